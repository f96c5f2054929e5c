//! Go's number syntax, as both YAML readers and the emitter need it: `strconv.ParseInt` /
//! `ParseUint` with base 0, go-yaml's float pattern, and `strconv.FormatFloat(f, 'g', -1, …)`.
//!
//! kustomize prints numbers after a detour through JSON: a float first becomes Go's JSON
//! text (shortest digits, plain notation below 1e21), which go-yaml v2 reads back as an int
//! when that text is an integer that fits (3.0 → 3, 1e3 → 1000, 2^60 → 1152921504606847000);
//! the rest print with `%g` of a float64 ([`float_scalar`]).

/// The scalar text for a float as it comes out of kustomize.
pub fn float_scalar(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e21 {
        // Rust's `Display` is Go's `'f'` format with the shortest round-trip digits, padded
        // with zeros: the JSON text. go-yaml v2 reads it as an int64, else a uint64.
        let json = f.to_string();
        if let Ok(i) = json.parse::<i64>() {
            return i.to_string();
        }
        if let Ok(u) = json.parse::<u64>() {
            return u.to_string();
        }
    }
    go_format_g(f, Bits::B64)
}

/// The precision of the float being formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bits {
    B32,
    B64,
}

/// Go's `strconv.FormatFloat(f, 'g', -1, bits)`, with go-yaml's spellings of the
/// specials (`.nan`, `.inf`, `-.inf`).
pub fn go_format_g(f: f64, bits: Bits) -> String {
    // The shortest digits that round-trip at the given precision: "d.ddde<exp>".
    let sci = match bits {
        Bits::B32 => format!("{:e}", f as f32),
        Bits::B64 => format!("{f:e}"),
    };
    match sci.as_str() {
        "NaN" => return ".nan".into(),
        "inf" => return ".inf".into(),
        "-inf" => return "-.inf".into(),
        _ => {}
    }
    let (mantissa, exp) = sci.split_once('e').expect("exponent");
    let exp: i32 = exp.parse().expect("exponent digits");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if digits.bytes().all(|d| d == b'0') {
        return format!("{sign}0");
    }
    let mut s = String::from(sign);
    // Shortest 'g' uses exponent form when the exponent is below -4 or at least 6.
    if !(-4..6).contains(&exp) {
        s.push_str(&digits[..1]);
        if digits.len() > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        s.push('e');
        s.push(if exp < 0 { '-' } else { '+' });
        let a = exp.unsigned_abs();
        if a < 10 {
            s.push('0');
        }
        s.push_str(&a.to_string());
    } else if exp < 0 {
        s.push_str("0.");
        for _ in 0..(-exp - 1) {
            s.push('0');
        }
        s.push_str(&digits);
    } else {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            s.push_str(&digits);
            for _ in digits.len()..int_len {
                s.push('0');
            }
        } else {
            s.push_str(&digits[..int_len]);
            s.push('.');
            s.push_str(&digits[int_len..]);
        }
    }
    s
}

/// Go's `strconv.ParseInt(s, 0, 64)` on text without underscores.
pub(super) fn go_parse_int(s: &str) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let mag = go_parse_uint(rest)?;
    if neg {
        if mag <= i64::MAX as u64 + 1 {
            Some((mag as i64).wrapping_neg())
        } else {
            None
        }
    } else {
        i64::try_from(mag).ok()
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)` on text without underscores (no sign allowed).
pub(super) fn go_parse_uint(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    let (radix, digits) = if b[0] == b'0' {
        match b.get(1).map(u8::to_ascii_lowercase) {
            Some(b'b') if b.len() >= 3 => (2, &s[2..]),
            Some(b'o') if b.len() >= 3 => (8, &s[2..]),
            Some(b'x') if b.len() >= 3 => (16, &s[2..]),
            _ => (8, &s[1..]),
        }
    } else {
        (10, s)
    };
    if digits.is_empty() {
        // Only "0" itself gets here with nothing left.
        return if radix == 8 { Some(0) } else { None };
    }
    if !digits.bytes().all(|c| (c as char).is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// A float in go-yaml's accepted syntax
/// (`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`), `None` when malformed or out
/// of range: Go reports overflow as an error, so `1e400` stays a string; underflow rounds
/// to zero.
pub(super) fn parse_decimal_float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if int_digits == 0 && i == frac_start {
            return None;
        }
    } else if int_digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_g_format() {
        let g = |f| go_format_g(f, Bits::B64);
        assert_eq!(g(1.5), "1.5");
        assert_eq!(g(0.0001), "0.0001");
        assert_eq!(g(0.00001), "1e-05");
        assert_eq!(g(1234567.5), "1.2345675e+06");
        assert_eq!(g(123456.5), "123456.5");
        assert_eq!(g(1e21), "1e+21");
        assert_eq!(g(100000.0), "100000");
        assert_eq!(g(1e6), "1e+06");
        assert_eq!(g(-2.5e-7), "-2.5e-07");
        assert_eq!(g(1e100), "1e+100");
        assert_eq!(g(-0.0), "-0");
        assert_eq!(g(f64::NAN), ".nan");
        assert_eq!(g(f64::NEG_INFINITY), "-.inf");
    }

    #[test]
    fn go_g_format_float32() {
        let cases: &[(f64, &str)] = &[
            (1000.0, "1000"),
            (1.5, "1.5"),
            (0.1, "0.1"),
            (123456789.5, "1.2345679e+08"),
            (1e6, "1e+06"),
            (123456.0, "123456"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5, "-2.5"),
            (0.0, "0"),
            (1e300, ".inf"),
            (f64::NEG_INFINITY, "-.inf"),
            (f64::NAN, ".nan"),
            (3.0e38, "3e+38"),
        ];
        for (f, want) in cases {
            assert_eq!(go_format_g(*f, Bits::B32), *want, "{f}");
        }
    }

    #[test]
    fn kustomize_floats() {
        assert_eq!(float_scalar(3.0), "3");
        assert_eq!(float_scalar(1000.0), "1000");
        assert_eq!(float_scalar(1.5), "1.5");
        assert_eq!(float_scalar(-0.0), "0");
        assert_eq!(float_scalar(1e20), "1e+20");
        assert_eq!(float_scalar(1e15), "1000000000000000");
        assert_eq!(float_scalar(1e21), "1e+21");
        assert_eq!(float_scalar(f64::INFINITY), ".inf");
    }

    #[test]
    fn integral_floats_go_through_their_json_text() {
        // Go's JSON writes the shortest digits padded with zeros; that text is what v2 reads.
        assert_eq!(float_scalar(-9.223_372_036_854_776e18), "-9.223372036854776e+18");
        assert_eq!(float_scalar(9.223_372_036_854_776e18), "9223372036854776000");
        assert_eq!(float_scalar(2f64.powi(60)), "1152921504606847000");
        assert_eq!(float_scalar(1.844_674_407_370_955_2e19), "1.8446744073709552e+19");
        assert_eq!(float_scalar(-2f64.powi(62)), "-4611686018427388000");
    }

    #[test]
    fn go_parse_int_follows_strconv_base_zero() {
        let cases: &[(&str, Option<i64>)] = &[
            ("0", Some(0)),
            ("-0", Some(0)),
            ("+5", Some(5)),
            ("00", Some(0)),
            ("0777", Some(511)),
            ("0o17", Some(15)),
            ("0O17", Some(15)),
            ("0x1F", Some(31)),
            ("0X1f", Some(31)),
            ("0b101", Some(5)),
            ("-0b101", Some(-5)),
            ("+0x10", Some(16)),
            ("9223372036854775807", Some(i64::MAX)),
            ("-9223372036854775808", Some(i64::MIN)),
            ("9223372036854775808", None),
            ("08", None),
            ("0x", None),
            ("0b", None),
            ("0b2", None),
            ("+", None),
            ("--1", None),
            ("+-1", None),
            ("1e3", None),
            ("", None),
        ];
        for (s, want) in cases {
            assert_eq!(go_parse_int(s), *want, "{s}");
        }
        assert_eq!(go_parse_uint("18446744073709551615"), Some(u64::MAX));
        assert_eq!(go_parse_uint("0xffffffffffffffff"), Some(u64::MAX));
        assert_eq!(go_parse_uint("18446744073709551616"), None);
        assert_eq!(go_parse_uint("+1"), None);
    }

    #[test]
    fn decimal_float_syntax() {
        let cases: &[(&str, Option<f64>)] = &[
            ("1.5", Some(1.5)),
            ("1.", Some(1.0)),
            (".5", Some(0.5)),
            ("-.5", Some(-0.5)),
            ("+1e3", Some(1000.0)),
            ("1E-2", Some(0.01)),
            ("08", Some(8.0)),
            ("1e-400", Some(0.0)),
            ("1e400", None),
            (".", None),
            ("-.", None),
            ("1e", None),
            ("1e+", None),
            ("e3", None),
            ("inf", None),
            ("nan", None),
            ("0x1p-2", None),
            ("1.5x", None),
            ("1_0.5", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_decimal_float(s), *want, "{s}");
        }
    }
}
