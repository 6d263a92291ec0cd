//! Cutting a portfolio into records as its bytes arrive, chunk by chunk, so
//! the whole file is never held: NDJSON (a record a line), a JSON array (a
//! record an element, even when the array spans lines), JSON objects printed
//! over several lines one after another (`jq .`'s output: a first line of `{`
//! alone) or CSV (a header row, then a record a row; quoted cells may hold
//! line breaks).

use std::sync::Arc;

use super::csv::Header;

/// The kinds of portfolio file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Ndjson,
    JsonArray,
    /// JSON objects printed over several lines, one after another (a first line of `{` alone).
    JsonObjects,
    Csv,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Ndjson => "NDJSON",
            Format::JsonArray => "JSON array",
            Format::JsonObjects => "JSON objects",
            Format::Csv => "CSV",
        }
    }
}

/// Why a file is not a portfolio at all (the CLI's exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError(pub String);

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Complete records cut from the bytes fed so far: their text and where each starts.
#[derive(Debug, Clone)]
pub struct Batch {
    pub(crate) text: Vec<u8>,
    /// The 1-based line of the first byte of `text`.
    pub(crate) first_line: u64,
    pub(crate) records: Records,
}

#[derive(Debug, Clone)]
pub(crate) enum Records {
    /// NDJSON: every non-blank line is a record (cut by whoever evaluates the batch).
    Lines,
    /// JSON array elements.
    Json(Vec<Rec>),
    /// CSV rows under a header.
    Csv(Arc<Header>, Vec<Rec>),
}

#[derive(Debug, Clone)]
pub(crate) struct Rec {
    pub start: usize,
    pub end: usize,
    pub line: u64,
    /// A problem found while cutting (the record is then an error).
    pub problem: Option<String>,
}

impl Batch {
    /// NDJSON text of whole lines, the first at `first_line` (to evaluate
    /// elsewhere: another thread, another worker).
    pub fn lines(text: Vec<u8>, first_line: u64) -> Batch {
        Batch {
            text,
            first_line,
            records: Records::Lines,
        }
    }

    /// The text and first line of an NDJSON batch; other kinds keep
    /// state (a CSV header, cut positions) and stay whole.
    pub fn into_lines(self) -> Result<(Vec<u8>, u64), Batch> {
        match self.records {
            Records::Lines => Ok((self.text, self.first_line)),
            _ => Err(self),
        }
    }

    /// Bytes of portfolio text in this batch.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// Where a CSV row's cutter is within a cell (RFC 4180, as [`split_row`](super::csv::split_row)
/// reads a row): only a cell's first character opens a quote, so a `"` further in (`12" TV`) is
/// text and never hides the line breaks after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    /// At the start of a cell: a `"` opens a quoted cell.
    Start,
    /// In a cell that did not start with a quote: a `"` is text.
    Plain,
    /// Inside a quoted cell: line breaks and commas are text.
    Quoted,
    /// A `"` inside a quoted cell: a second one is an escaped quote, anything else ends the quote.
    QuoteSeen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arr {
    /// Before the opening `[`.
    Start,
    /// After `[` or `,`: a value or `]`.
    Value,
    /// Inside a value.
    In,
    /// After a value: `,` or `]`.
    After,
    /// After the closing `]`.
    Done,
}

/// Feeds a portfolio's bytes in and takes complete records out.
#[derive(Debug)]
pub struct Reader {
    format: Option<Format>,
    carry: Vec<u8>,
    /// The line of `carry[0]`.
    line: u64,
    /// Where scanning resumes in `carry` (JSON array and CSV).
    pos: usize,
    /// The line at `pos`.
    pos_line: u64,
    /// JSON array state.
    arr: Arr,
    depth: u32,
    in_string: bool,
    escape: bool,
    /// Start (in `carry`) and line of the element being read.
    elem_start: usize,
    elem_line: u64,
    elem_problem: Option<String>,
    /// CSV: where the cutter is in the current cell.
    cell: Cell,
    header: Option<Arc<Header>>,
    /// Bytes fed, for progress.
    fed: u64,
    saw_content: bool,
    /// Reading from a line start inside a file (see [`Reader::ndjson_from_middle`]).
    middle: bool,
}

impl Default for Reader {
    fn default() -> Self {
        Reader::new()
    }
}

/// Records longer than this are refused rather than held whole.
pub const MAX_RECORD: usize = 64 << 20;

impl Reader {
    pub fn new() -> Reader {
        Reader {
            format: None,
            carry: Vec::new(),
            line: 1,
            pos: 0,
            pos_line: 1,
            arr: Arr::Start,
            depth: 0,
            in_string: false,
            escape: false,
            elem_start: 0,
            elem_line: 1,
            elem_problem: None,
            cell: Cell::Start,
            header: None,
            fed: 0,
            saw_content: false,
            middle: false,
        }
    }

    /// A reader for the NDJSON lines of a byte range that starts at a line
    /// start inside a file, so that workers can share one file: the format
    /// is known, there is no byte-order mark or binary check (those are the
    /// file's start's), and lines count from 1 ([`Tally::shift_lines`](super::Tally::shift_lines)
    /// moves them to their place in the file).
    pub fn ndjson_from_middle() -> Reader {
        Reader {
            format: Some(Format::Ndjson),
            saw_content: true,
            middle: true,
            ..Reader::new()
        }
    }

    /// Line breaks in the text cut into batches so far: after [`finish`](Reader::finish),
    /// the lines this reader read.
    pub fn lines_read(&self) -> u64 {
        self.line - 1
    }

    /// The format, once the first non-blank byte has been seen.
    pub fn format(&self) -> Option<Format> {
        self.format
    }

    /// The CSV header's column names, once read.
    pub fn columns(&self) -> Option<Vec<String>> {
        self.header.as_ref().map(|h| h.names())
    }

    pub fn bytes_fed(&self) -> u64 {
        self.fed
    }

    /// Takes the next chunk of the file; returns the records it completed.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<Batch, FileError> {
        self.feed_with(chunk.len(), |into| into.copy_from_slice(chunk))
    }

    /// [`feed`](Reader::feed) for `len` bytes that live elsewhere (a
    /// browser's buffer): `fill` copies them straight into the reader's own
    /// buffer, so they are copied once.
    pub fn feed_with(
        &mut self,
        len: usize,
        fill: impl FnOnce(&mut [u8]),
    ) -> Result<Batch, FileError> {
        let first = self.fed == 0 && !self.middle;
        self.fed += len as u64;
        let at = self.carry.len();
        self.carry.resize(at + len, 0);
        fill(&mut self.carry[at..]);
        if first {
            if self.carry.starts_with(b"\xEF\xBB\xBF") {
                self.carry.drain(..3);
            }
            check_text(&self.carry)?;
        }
        let batch = match self.detect(false) {
            None => self.empty(),
            Some(Format::Ndjson) => self.lines(false),
            Some(Format::JsonArray | Format::JsonObjects) => self.array(false),
            Some(Format::Csv) => self.csv(false)?,
        };
        if self.carry.len() > MAX_RECORD {
            return Err(FileError(format!(
                "a record at line {} is longer than {} MB; is this a portfolio?",
                self.line,
                MAX_RECORD >> 20
            )));
        }
        Ok(batch)
    }

    /// The end of the file: whatever is left is the last record.
    pub fn finish(&mut self) -> Result<Batch, FileError> {
        self.detect(true);
        if !self.saw_content {
            return Err(FileError(if self.fed == 0 {
                "the file is empty: a portfolio is NDJSON, a JSON array or CSV with a header row"
                    .into()
            } else {
                "the file holds only blank lines: no loans to read".into()
            }));
        }
        match self.format {
            Some(Format::Ndjson) => Ok(self.lines(true)),
            Some(Format::JsonArray | Format::JsonObjects) => Ok(self.array(true)),
            _ => self.csv(true),
        }
    }

    /// The format, decided from the first non-blank byte (and, for `{`, whether its line holds
    /// anything else) once that much has arrived or the file ends; `None` until then. Blank
    /// text before it is dropped, its lines counted.
    fn detect(&mut self, end: bool) -> Option<Format> {
        if self.format.is_some() {
            return self.format;
        }
        let format = match head_format(&self.carry, end) {
            Head::Blank => {
                // Only blank so far: keep the line count, drop the bytes.
                self.line += self.carry.iter().filter(|&&b| b == b'\n').count() as u64;
                self.carry.clear();
                return None;
            }
            Head::Unsure => return None,
            Head::Format(format) => format,
        };
        if format == Format::JsonObjects {
            // No `[` to open it: each object is an element from the start.
            self.arr = Arr::Value;
        }
        self.format = Some(format);
        self.pos_line = self.line;
        self.saw_content = true;
        self.format
    }

    fn empty(&self) -> Batch {
        Batch {
            text: Vec::new(),
            first_line: self.line,
            records: Records::Lines,
        }
    }

    fn lines(&mut self, end: bool) -> Batch {
        let cut = if end {
            self.carry.len()
        } else {
            match memchr::memrchr(b'\n', &self.carry) {
                Some(i) => i + 1,
                None => return self.empty(),
            }
        };
        let rest = self.carry.split_off(cut);
        let text = std::mem::replace(&mut self.carry, rest);
        let first_line = self.line;
        self.line += memchr::memchr_iter(b'\n', &text).count() as u64;
        Batch {
            text,
            first_line,
            records: Records::Lines,
        }
    }

    fn array(&mut self, end: bool) -> Batch {
        let mut recs = Vec::new();
        let mut i = self.pos;
        let mut line = self.pos_line;
        let objects = self.format == Some(Format::JsonObjects);
        let mut carry = std::mem::take(&mut self.carry);
        let b = &carry;
        // Where the text handed out ends: after the last complete element.
        let mut cut = 0usize;
        let mut cut_line = self.line;
        while i < b.len() {
            let c = b[i];
            match self.arr {
                Arr::Start => {
                    if c == b'[' {
                        self.arr = Arr::Value;
                    } else if !c.is_ascii_whitespace() {
                        self.arr = Arr::Done;
                    }
                }
                Arr::Value | Arr::After if c.is_ascii_whitespace() => {}
                Arr::Value | Arr::After if c == b']' && !objects => {
                    self.arr = Arr::Done;
                    cut = i + 1;
                    cut_line = line;
                }
                // (Objects may have commas between them too: an array's inside without `[ ]`.)
                Arr::Value | Arr::After if c == b',' => {
                    if self.arr == Arr::Value {
                        self.elem_problem = Some("an empty record (two commas in a row)".into());
                    }
                    self.arr = Arr::Value;
                }
                Arr::Value | Arr::After => {
                    if self.arr == Arr::After && !objects {
                        self.elem_problem =
                            Some("expected `,` or `]` before this record".to_string());
                    }
                    self.arr = Arr::In;
                    self.elem_start = i;
                    self.elem_line = line;
                    self.depth = 0;
                    self.in_string = false;
                    self.escape = false;
                    // Reprocess this byte inside the value.
                    continue;
                }
                Arr::In => {
                    let mut done = false;
                    if self.in_string {
                        if self.escape {
                            self.escape = false;
                        } else if c == b'\\' {
                            self.escape = true;
                        } else if c == b'"' {
                            self.in_string = false;
                            done = self.depth == 0;
                        }
                    } else {
                        match c {
                            b'"' => self.in_string = true,
                            b'{' | b'[' => self.depth += 1,
                            b'}' | b']' if self.depth > 0 => {
                                self.depth -= 1;
                                done = self.depth == 0;
                            }
                            // (A stray `}` that starts an element is part of it:
                            // ending the element there would meet it again, forever.)
                            b',' | b']' | b'}' if self.depth == 0 && i > self.elem_start => {
                                // A bare scalar ended just before this byte.
                                recs.push(self.take_elem(i));
                                cut = i;
                                cut_line = line;
                                self.arr = Arr::After;
                                continue;
                            }
                            c if self.depth == 0 && c.is_ascii_whitespace() => {
                                recs.push(self.take_elem(i));
                                cut = i;
                                cut_line = line;
                                self.arr = Arr::After;
                                continue;
                            }
                            _ => {}
                        }
                    }
                    if done {
                        recs.push(self.take_elem(i + 1));
                        cut = i + 1;
                        cut_line = line;
                        self.arr = Arr::After;
                    }
                }
                Arr::Done => {
                    if !c.is_ascii_whitespace() {
                        recs.push(Rec {
                            start: i,
                            end: b.len(),
                            line,
                            problem: Some(
                                "text after the JSON array's closing `]` (is this one array?)"
                                    .into(),
                            ),
                        });
                        // Nothing after the array is read.
                        cut = b.len();
                        i = b.len();
                        break;
                    }
                }
            }
            if c == b'\n' {
                line += 1;
            }
            i += 1;
        }
        if end {
            match self.arr {
                Arr::In => recs.push(Rec {
                    start: self.elem_start,
                    end: b.len(),
                    line: self.elem_line,
                    problem: Some(if objects {
                        "the file ends inside this record".into()
                    } else {
                        "the file ends inside this record: the JSON array never closes".into()
                    }),
                }),
                Arr::Value | Arr::After if objects => {}
                Arr::Value | Arr::After => recs.push(Rec {
                    start: b.len(),
                    end: b.len(),
                    line,
                    problem: Some(
                        "the JSON array never closes: no `]` at the end of the file".into(),
                    ),
                }),
                Arr::Start => recs.push(Rec {
                    start: 0,
                    end: b.len(),
                    line: self.line,
                    problem: Some("expected a JSON array".into()),
                }),
                Arr::Done => {}
            }
            cut = b.len();
            cut_line = line;
        }
        // Hand out the text up to `cut`; keep the rest (an element in progress).
        let keep_from = if self.arr == Arr::In && !end {
            self.elem_start.min(cut)
        } else {
            cut
        };
        let _ = cut_line;
        let rest = carry.split_off(keep_from);
        let text = carry;
        self.carry = rest;
        let first_line = self.line;
        // The line of the kept text's first byte.
        let kept_line = first_line + text.iter().filter(|&&b| b == b'\n').count() as u64;
        self.line = kept_line;
        self.elem_start -= keep_from.min(self.elem_start);
        self.pos = i - keep_from;
        self.pos_line = line;
        Batch {
            text,
            first_line,
            records: Records::Json(recs),
        }
    }

    fn take_elem(&mut self, end: usize) -> Rec {
        Rec {
            start: self.elem_start,
            end,
            line: self.elem_line,
            problem: self.elem_problem.take(),
        }
    }

    fn csv(&mut self, end: bool) -> Result<Batch, FileError> {
        let mut recs = Vec::new();
        let mut i = self.pos;
        let mut line = self.pos_line;
        let mut start = 0usize;
        let mut start_line = self.line;
        let b = &self.carry;
        let mut header_text: Option<(usize, usize)> = None;
        while i < b.len() {
            let c = b[i];
            if c == b'\n' {
                line += 1;
            }
            self.cell = match (self.cell, c) {
                (Cell::Quoted, b'"') => Cell::QuoteSeen,
                (Cell::Quoted, _) | (Cell::QuoteSeen, b'"') => Cell::Quoted,
                (Cell::Start, b'"') => Cell::Quoted,
                (_, b',' | b'\n') => Cell::Start,
                _ => Cell::Plain,
            };
            if c == b'\n' && self.cell == Cell::Start {
                let row = (start, i);
                let blank = blank_row(&b[start..i]);
                if !blank {
                    if self.header.is_none() && header_text.is_none() {
                        header_text = Some(row);
                    } else {
                        recs.push(Rec {
                            start,
                            end: i,
                            line: start_line,
                            problem: None,
                        });
                    }
                }
                start = i + 1;
                start_line = line;
            }
            i += 1;
        }
        if end && start < b.len() {
            let blank = blank_row(&b[start..]);
            if !blank {
                let problem = (self.cell == Cell::Quoted)
                    .then(|| "the file ends inside a quoted cell of this row".to_string());
                if self.header.is_none() && header_text.is_none() {
                    header_text = Some((start, b.len()));
                } else {
                    recs.push(Rec {
                        start,
                        end: b.len(),
                        line: start_line,
                        problem,
                    });
                }
            }
            start = b.len();
        }
        if let Some((s, e)) = header_text {
            let text = String::from_utf8_lossy(&b[s..e]);
            self.header = Some(Arc::new(Header::parse(&text)?));
        }
        let header = match &self.header {
            Some(h) => h.clone(),
            None if end => {
                return Err(FileError(
                    "the file holds no CSV header row (variable names)".into(),
                ))
            }
            None => Arc::new(Header::default()),
        };
        if end && recs.is_empty() && self.fed > 0 && header.is_empty() {
            return Err(FileError("the CSV header row names no variables".into()));
        }
        let rest = self.carry.split_off(start);
        let text = std::mem::replace(&mut self.carry, rest);
        let first_line = self.line;
        self.line = start_line;
        self.pos = i - start;
        self.pos_line = line;
        Ok(Batch {
            text,
            first_line,
            records: Records::Csv(header, recs),
        })
    }
}

/// One of several byte ranges of an NDJSON file read by different workers:
/// a range evaluates the lines that *start* inside it, so it begins after the
/// first line break at or after its first byte's predecessor, and reads on
/// past its end to finish the line that crosses it. Bytes are read from
/// [`read_from`](LineRange::read_from) on and handed over chunk by chunk.
#[derive(Debug, Clone)]
pub struct LineRange {
    start: u64,
    end: u64,
    /// The file offset of the next chunk's first byte.
    pos: u64,
    /// Still looking for the range's first line start.
    skipping: bool,
    done: bool,
}

impl LineRange {
    /// The range `start..end` of a file's bytes.
    pub fn new(start: u64, end: u64) -> LineRange {
        LineRange {
            start,
            end,
            pos: start.saturating_sub(1),
            skipping: start > 0,
            done: start >= end,
        }
    }

    /// Where reading starts: the byte before the range, whose line break
    /// would make the range's first byte a line start.
    pub fn read_from(&self) -> u64 {
        self.start.saturating_sub(1)
    }

    /// Whether the range has all its lines: stop reading.
    pub fn done(&self) -> bool {
        self.done
    }

    /// The next `len` bytes of the file: which of them (a range of indexes
    /// into the chunk) are this range's text. `newline_from(i)` finds the
    /// chunk's first `\n` at index `i` or later; it is called only for the
    /// chunks where the range begins or ends.
    pub fn take(
        &mut self,
        len: usize,
        mut newline_from: impl FnMut(usize) -> Option<usize>,
    ) -> std::ops::Range<usize> {
        let pos = self.pos;
        self.pos += len as u64;
        if self.done {
            return 0..0;
        }
        let mut begin = 0;
        if self.skipping {
            match newline_from(0) {
                Some(j) => {
                    self.skipping = false;
                    begin = j + 1;
                    if pos + begin as u64 >= self.end {
                        self.done = true;
                        return 0..0;
                    }
                }
                None => return 0..0,
            }
        }
        // The line that holds the range's last byte ends at the first break from there on.
        let last = self.end - 1;
        if pos + len as u64 > last {
            let from = (last.saturating_sub(pos) as usize).max(begin);
            if let Some(j) = newline_from(from) {
                self.done = true;
                return begin..j + 1;
            }
        }
        begin..len
    }
}

/// A CSV row that holds no value: blank, or only empty cells (`,,`, as Excel saves rows it once
/// formatted). Like a blank line it is no loan.
fn blank_row(row: &[u8]) -> bool {
    row.iter().all(|&c| c.is_ascii_whitespace() || c == b',')
}

/// What a file's first bytes say about its format.
enum Head {
    /// Only blank so far.
    Blank,
    /// A first line of `{` that has not ended yet.
    Unsure,
    Format(Format),
}

fn head_format(head: &[u8], end: bool) -> Head {
    let Some(i) = head.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Head::Blank;
    };
    Head::Format(match head[i] {
        b'[' => Format::JsonArray,
        b'{' => {
            // No NDJSON record is `{` alone on its line: an object printed over several lines.
            let rest = &head[i + 1..];
            match memchr::memchr(b'\n', rest) {
                Some(n) if rest[..n].trim_ascii().is_empty() => Format::JsonObjects,
                Some(_) => Format::Ndjson,
                None if end && rest.trim_ascii().is_empty() => Format::JsonObjects,
                None if end || rest.len() > MAX_RECORD => Format::Ndjson,
                None => return Head::Unsure,
            }
        }
        _ => Format::Csv,
    })
}

/// Whether a file whose first bytes are `head` can be shared out by byte ranges of lines
/// ([`Reader::ndjson_from_middle`]): NDJSON, not gzipped, its first line whole in `head`.
pub fn shareable_head(head: &[u8]) -> bool {
    !super::is_gzip(head) && matches!(head_format(head, false), Head::Format(Format::Ndjson))
}

/// How many invalid UTF-8 sequences `bytes` holds (a character cut at the end is not one).
fn invalid_utf8(mut bytes: &[u8]) -> usize {
    let mut count = 0;
    while let Err(e) = std::str::from_utf8(bytes) {
        let Some(len) = e.error_len() else { break };
        count += 1;
        bytes = &bytes[e.valid_up_to() + len..];
    }
    count
}

/// Refuses binary files: a NUL byte near the start, or a start that is mostly not UTF-8. A text
/// file with a few bytes of another encoding (a Latin-1 `Mu\xf1oz`) is read: those records are
/// errors at their lines, as they are further into the file.
fn check_text(chunk: &[u8]) -> Result<(), FileError> {
    // Windows PowerShell's `Out-File` and Excel's "Unicode Text" write UTF-16: text, but not UTF-8.
    if chunk.starts_with(b"\xFF\xFE") || chunk.starts_with(b"\xFE\xFF") {
        return Err(FileError(
            "this is not a portfolio as it is saved: the file is UTF-16 text (it starts with a UTF-16 byte order mark): save it as UTF-8".into(),
        ));
    }
    let head = &chunk[..chunk.len().min(8192)];
    let binary = head.contains(&0) || invalid_utf8(head) * 16 > head.len();
    if binary {
        return Err(FileError(
            "this is not a portfolio: the file looks binary (expected NDJSON, a JSON array or CSV text, optionally gzipped)"
                .into(),
        ));
    }
    Ok(())
}
