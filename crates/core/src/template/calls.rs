//! What each template function does with its arguments while rendering: the
//! implementations the function table's rows (`functions::TABLE`) point at.
//! They read arguments through the renderer (literal, variable, nested call
//! or formula, by the argument's role) and compute with `functions`' pure helpers.

use rust_decimal::Decimal;

use crate::error::{Error, ErrorKind, Span};
use crate::value::Value;

use super::ast::Arg;
use super::functions::{self, DateTime, Function, MathOp};
use super::render::Renderer;

/// What a call comes to: a value, or an error (`None` when it is already
/// reported or the call renders empty as LoanPro's lenient rendering does).
pub(super) type Called = Result<Value, Option<Error>>;

/// A function's implementation.
pub(super) type Render = for<'r, 't> fn(Call<'r, 't>) -> Called;

/// One call being rendered: its arguments are already checked against the
/// function's arity.
pub(super) struct Call<'r, 't> {
    pub(super) renderer: &'r mut Renderer<'t>,
    pub(super) function: Function,
    pub(super) args: &'t [Arg],
    pub(super) span: Span,
}

impl Call<'_, '_> {
    fn number(&mut self, i: usize) -> Result<Decimal, Option<Error>> {
        self.renderer.number(self.function, &self.args[i])
    }

    fn text(&mut self, i: usize) -> Result<String, Option<Error>> {
        self.renderer.text(self.function, i, &self.args[i])
    }

    /// Setting `i`, or `default` when the call leaves it out.
    fn setting(&mut self, i: usize, default: &str) -> Result<String, Option<Error>> {
        match self.args.get(i) {
            Some(arg) => self.renderer.setting(arg),
            None => Ok(default.to_string()),
        }
    }

    /// The first argument as a date or timestamp; `None` when it is nil or
    /// empty text, as LoanPro's date variables are on a loan that has no
    /// such date (`date-of-first-delinquency` on a current loan).
    fn date(&mut self) -> Result<Option<DateTime>, Option<Error>> {
        let text = self.text(0)?;
        if text.is_empty() {
            return Ok(None);
        }
        DateTime::parse(&text).map(Some).ok_or_else(|| {
            Some(Error::at(
                ErrorKind::Type,
                format!("`{text}` is not a date (expected YYYY-MM-DD, optionally with a time)"),
                self.args[0].span(),
            ))
        })
    }

    fn arithmetic_error(&self, message: String) -> Option<Error> {
        Some(Error::at(ErrorKind::Arithmetic, message, self.span))
    }
}

pub(super) fn format_number(mut c: Call) -> Called {
    let n = c.number(0)?;
    let decimals = match c.args.get(1) {
        Some(arg) => functions::decimals(&c.renderer.setting(arg)?)
            .map_err(|m| Some(Error::at(ErrorKind::Type, m, arg.span())))?,
        None => 0,
    };
    let point = c.setting(2, ".")?;
    let thousands = c.setting(3, ",")?;
    Ok(Value::Text(functions::format_number(
        n, decimals, &point, &thousands,
    )))
}

/// A date function prints nothing for no date, as `v()` prints a null.
pub(super) fn format_date_time(mut c: Call) -> Called {
    let Some(dt) = c.date()? else {
        return Ok(Value::Nil);
    };
    let format = c.setting(1, functions::DEFAULT_DATE_FORMAT)?;
    Ok(Value::Text(functions::format_date_time(&dt, &format)))
}

pub(super) fn company_format_date_time(mut c: Call) -> Called {
    let Some(dt) = c.date()? else {
        return Ok(Value::Nil);
    };
    Ok(Value::Text(functions::format_date_time(
        &dt,
        functions::COMPANY_DATE_FORMAT,
    )))
}

/// A function of one number written as text.
pub(super) fn number_as(mut c: Call, format: fn(Decimal) -> String) -> Called {
    Ok(Value::Text(format(c.number(0)?)))
}

/// A function of one text written as text.
pub(super) fn text_as(mut c: Call, format: fn(&str) -> String) -> Called {
    Ok(Value::Text(format(&c.text(0)?)))
}

/// A function naming a code (a country, a collection item): `expected` says
/// what it takes when `name` knows nothing of the code.
pub(super) fn name_of(mut c: Call, name: fn(&str) -> Option<String>, expected: &str) -> Called {
    let code = c.text(0)?;
    name(&code).map(Value::Text).ok_or_else(|| {
        Some(Error::at(
            ErrorKind::Type,
            format!("`{code}` is not {expected}"),
            c.args[0].span(),
        ))
    })
}

/// `collectionItem`: a collection item's label; a variable holding anything
/// else (a label already) prints as it is, never an error.
pub(super) fn collection_item(mut c: Call) -> Called {
    let item = c.text(0)?;
    Ok(Value::Text(
        functions::collection_label(&item).unwrap_or(item),
    ))
}

/// The two-number math functions; both arguments are read (and their
/// problems reported) before either error is returned.
pub(super) fn math(mut c: Call, op: MathOp) -> Called {
    let a = c.number(0);
    let b = c.number(1);
    functions::math(op, a?, b?)
        .map(Value::Number)
        .map_err(|m| c.arithmetic_error(m))
}

pub(super) fn math_sqrt(mut c: Call) -> Called {
    functions::sqrt(c.number(0)?)
        .map(Value::Number)
        .map_err(|m| c.arithmetic_error(m))
}

pub(super) fn eval_formula(c: Call) -> Called {
    match &c.args[0] {
        Arg::Formula(formula) => c.renderer.formula(formula),
        other => Err(Some(Error::at(
            ErrorKind::Type,
            "`evalFormula` takes its formula as quoted text",
            other.span(),
        ))),
    }
}
