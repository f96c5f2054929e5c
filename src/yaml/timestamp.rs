//! Timestamps as go-yaml reads them: the layouts it tries with Go's `time.Parse`, and the
//! RFC 3339 text Go's `time.Time` marshals to. Both readers use it (a plain timestamp turns
//! into RFC 3339 text in kustomize resources) and so does the emitter (a string that would
//! read back as a timestamp is quoted).

/// A timestamp as go-yaml parses it with `time.Parse`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Timestamp {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    /// Offset from UTC in minutes.
    offset: i32,
}

impl Timestamp {
    /// Tries go-yaml's layouts in turn: `2006-1-2T15:4:5.999999999Z07:00`, the same with `t`,
    /// `2006-1-2 15:4:5.999999999` (UTC) and `2006-1-2`.
    pub(super) fn parse(s: &str) -> Option<Timestamp> {
        let b = s.as_bytes();
        if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
            return None;
        }
        let year =
            (b[0] - b'0') as u32 * 1000 + (b[1] - b'0') as u32 * 100 + (b[2] - b'0') as u32 * 10 + (b[3] - b'0') as u32;
        let mut p = Cursor { b, i: 5 };
        let month = p.num()?;
        if !(1..=12).contains(&month) {
            return None;
        }
        p.expect(b'-')?;
        let day = p.num()?;
        if day < 1 || day > days_in(month, year) {
            return None;
        }
        let mut ts = Timestamp {
            year,
            month,
            day,
            hour: 0,
            minute: 0,
            second: 0,
            nanos: 0,
            offset: 0,
        };
        let Some(sep) = p.next() else {
            return Some(ts);
        };
        if !matches!(sep, b'T' | b't' | b' ') {
            return None;
        }
        if sep == b' ' {
            // Go's time.Parse takes a run of spaces for the layout's one space.
            while p.peek() == Some(b' ') {
                p.i += 1;
            }
        }
        ts.hour = p.num()?;
        p.expect(b':')?;
        ts.minute = p.num()?;
        p.expect(b':')?;
        ts.second = p.num()?;
        if ts.hour > 23 || ts.minute > 59 || ts.second > 59 {
            return None;
        }
        if matches!(p.peek(), Some(b'.' | b',')) && p.b.get(p.i + 1).is_some_and(u8::is_ascii_digit) {
            p.i += 1;
            let mut n = 0;
            let mut scale = 100_000_000;
            while let Some(c) = p.peek().filter(u8::is_ascii_digit) {
                n += (c - b'0') as u32 * scale;
                scale /= 10;
                p.i += 1;
            }
            ts.nanos = n;
        }
        if sep == b' ' {
            return p.at_end().then_some(ts);
        }
        match p.next()? {
            b'Z' => {}
            sign @ (b'+' | b'-') => {
                let rest = &b[p.i..];
                if rest.len() != 5 || rest[2] != b':' {
                    return None;
                }
                let two = |x: &[u8]| -> Option<i32> {
                    (x[0].is_ascii_digit() && x[1].is_ascii_digit())
                        .then(|| ((x[0] - b'0') * 10 + (x[1] - b'0')) as i32)
                };
                let (h, m) = (two(&rest[..2])?, two(&rest[3..])?);
                if h > 24 || m > 60 {
                    return None;
                }
                ts.offset = if sign == b'-' { -(h * 60 + m) } else { h * 60 + m };
                p.i = b.len();
            }
            _ => return None,
        }
        p.at_end().then_some(ts)
    }

    /// The text Go's `time.Time.MarshalJSON` gives (RFC 3339 with nanoseconds, trailing zeros
    /// of the fraction dropped, `Z` for a zero offset).
    pub(super) fn to_rfc3339(self) -> String {
        let mut out = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        if self.nanos > 0 {
            let frac = format!("{:09}", self.nanos);
            out.push('.');
            out.push_str(frac.trim_end_matches('0'));
        }
        if self.offset == 0 {
            out.push('Z');
        } else {
            let a = self.offset.unsigned_abs();
            out.push(if self.offset < 0 { '-' } else { '+' });
            out.push_str(&format!("{:02}:{:02}", a / 60, a % 60));
        }
        out
    }
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }

    fn at_end(&self) -> bool {
        self.i == self.b.len()
    }

    /// One or two digits, as Go's `getnum` reads a non-padded field.
    fn num(&mut self) -> Option<u32> {
        let d0 = self.peek().filter(u8::is_ascii_digit)?;
        self.i += 1;
        match self.peek().filter(u8::is_ascii_digit) {
            Some(d1) => {
                self.i += 1;
                Some(((d0 - b'0') * 10 + (d1 - b'0')) as u32)
            }
            None => Some((d0 - b'0') as u32),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_and_format_as_go() {
        let cases: &[(&str, Option<&str>)] = &[
            ("2024-01-01", Some("2024-01-01T00:00:00Z")),
            ("2024-1-2", Some("2024-01-02T00:00:00Z")),
            ("2024-01-01T10:00:00Z", Some("2024-01-01T10:00:00Z")),
            ("2024-01-01T10:00:00.000Z", Some("2024-01-01T10:00:00Z")),
            ("2001-12-14t21:59:43.10-05:00", Some("2001-12-14T21:59:43.1-05:00")),
            ("2001-12-14 21:59:43.10", Some("2001-12-14T21:59:43.1Z")),
            ("2001-12-14T21:59:43,5+05:30", Some("2001-12-14T21:59:43.5+05:30")),
            (
                "2001-12-14T21:59:43.123456789123Z",
                Some("2001-12-14T21:59:43.123456789Z"),
            ),
            ("2001-12-14T1:2:3+00:00", Some("2001-12-14T01:02:03Z")),
            ("2001-12-14T21:59:43-00:00", Some("2001-12-14T21:59:43Z")),
            ("2024-02-29", Some("2024-02-29T00:00:00Z")),
            ("2023-02-29", None),
            ("2024-04-31", None),
            ("2024-13-01", None),
            ("2024-00-01", None),
            ("2024-01-00", None),
            ("2024-01-01T10:00:00", None),
            ("2024-01-01T24:00:00Z", None),
            ("2024-01-01T10:60:00Z", None),
            ("2024-01-01T10:00:60Z", None),
            ("2024-01-01T10:00:00z", None),
            ("2024-01-01T10:00:00+0500", None),
            ("2024-01-01T10:00:00+05", None),
            ("2001-12-14 21:59:43.10 -5", None),
            ("2001-12-14   21:59:43", Some("2001-12-14T21:59:43Z")),
            ("2001-12-14\t21:59:43", None),
            ("2024-01-01x", None),
            ("20240-01-01", None),
            ("202-01-01", None),
            ("2024-001-01", None),
        ];
        for (s, want) in cases {
            assert_eq!(Timestamp::parse(s).map(Timestamp::to_rfc3339).as_deref(), *want, "{s}");
        }
    }
}
