//! Numbers as kustomize prints them. Its output is JSON re-read by go-yaml v2, so a float
//! first becomes Go's JSON text, which v2 reads back as an int when it can (3.0 → 3,
//! 1e3 → 1000); the rest print with Go's `strconv.FormatFloat(f, 'g', -1, 64)`.

/// The scalar text for a float as it comes out of kustomize.
pub fn float_scalar(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf".into() } else { "-.inf".into() };
    }
    // Go's JSON uses plain decimal notation for 1e-6 <= |f| < 1e21; v2 then reads an
    // integral value back as an int when it fits int64 or uint64.
    if f.fract() == 0.0 && f.abs() < 1e21 {
        if f >= -9.223_372_036_854_776e18 && f < 9.223_372_036_854_776e18 {
            return (f as i64).to_string();
        }
        if f >= 0.0 && f < 1.844_674_407_370_955_2e19 {
            return (f as u64).to_string();
        }
    }
    go_format_g(f)
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)` for finite `f`.
pub fn go_format_g(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "d.ddddde<exp>".
    let e = format!("{:e}", f.abs());
    let (mant, exp) = e.split_once('e').expect("exponent");
    let exp: i32 = exp.parse().expect("exponent digits");
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if f < 0.0 { "-" } else { "" };
    // Shortest 'g' uses exponent form when the exponent is below -4 or at least 6.
    if !(-4..6).contains(&exp) {
        let mut s = String::from(sign);
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
        return s;
    }
    let mut s = String::from(sign);
    if exp < 0 {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_g_format() {
        assert_eq!(go_format_g(1.5), "1.5");
        assert_eq!(go_format_g(0.0001), "0.0001");
        assert_eq!(go_format_g(0.00001), "1e-05");
        assert_eq!(go_format_g(1234567.5), "1.2345675e+06");
        assert_eq!(go_format_g(123456.5), "123456.5");
        assert_eq!(go_format_g(1e21), "1e+21");
        assert_eq!(go_format_g(100000.0), "100000");
        assert_eq!(go_format_g(1e6), "1e+06");
        assert_eq!(go_format_g(-2.5e-7), "-2.5e-07");
        assert_eq!(go_format_g(1e100), "1e+100");
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
}
