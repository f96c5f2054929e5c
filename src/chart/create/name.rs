//! Chart names as `helm create` accepts them.

/// Helm's limit on a chart name's length.
const MAX_LEN: usize = 250;

/// Checks a chart name the way `helm create` does: 1 to 250 characters, each an ASCII letter,
/// digit, `.`, `_` or `-`; and, since the name becomes a directory, not `.` or `..`.
///
/// # Errors
/// The reason the name is refused, for the caller to put in its error.
pub fn ensure_chart_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > MAX_LEN {
        return Err(format!("must be 1 to {MAX_LEN} characters long"));
    }
    if name == "." || name == ".." {
        return Err("must name a directory, not '.' or '..'".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(format!(
            "character {c:?} is not allowed (only letters, digits, '.', '_' and '-')"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_helm_names() {
        for n in ["nginx", "my-app", "My_App.2", "a", &"x".repeat(250)] {
            assert_eq!(ensure_chart_name(n), Ok(()), "{n}");
        }
    }

    #[test]
    fn refuses_what_helm_refuses() {
        for n in [
            "",
            "a b",
            "a/b",
            "café",
            "x$",
            "a+b",
            "(x)",
            "..",
            ".",
            &"x".repeat(251),
        ] {
            assert!(ensure_chart_name(n).is_err(), "{n:?}");
        }
    }
}
