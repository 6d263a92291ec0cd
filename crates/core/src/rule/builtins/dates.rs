//! LoanPro's date helpers: `u/today`, `u/days-between`, `u/add-days`, over
//! dates written `YYYY-MM-DD` (timestamps are read by their date).

use rust_decimal::Decimal;

use crate::error::{Error, ErrorKind, Span};
use crate::value::Value;

use super::super::date::Date;
use super::super::eval::{Args, Machine};
use super::{owned, Out};

pub(crate) fn today<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, span: Span) -> Out<'a> {
    if a.len() > 0 {
        let key = m.arg(a, 0)?;
        let format = if a.len() == 2 {
            Some(m.arg(a, 1)?)
        } else {
            None
        };
        let ok = *key == Value::Keyword("format".into())
            && format.as_deref() == Some(&Value::Keyword("date".into()));
        if !ok {
            return Err(Error::at(
                ErrorKind::Invalid,
                "`u/today` takes no options or `:format :date`",
                span,
            ));
        }
    }
    owned(Value::Text(m.today(span)?.to_string()))
}

pub(crate) fn days_between<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, _: Span) -> Out<'a> {
    let from = m.date_arg(a, 0)?;
    let to = m.date_arg(a, 1)?;
    owned(Value::Number(Decimal::from(to.days() - from.days())))
}

pub(crate) fn add_days<'a>(m: &mut Machine<'a, '_>, a: &mut Args<'a>, span: Span) -> Out<'a> {
    let from = m.date_arg(a, 0)?;
    let days = m.int_arg(a, 1)?;
    let date = from
        .days()
        .checked_add(days)
        .and_then(Date::from_days)
        .ok_or_else(|| {
            Error::at(
                ErrorKind::Arithmetic,
                "date out of range (years 0 to 9999)",
                span,
            )
        })?;
    owned(Value::Text(date.to_string()))
}
