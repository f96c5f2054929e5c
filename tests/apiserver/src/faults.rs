//! Fault injection: rules that answer chosen requests with an error, a delay or a dropped
//! connection instead of (or before) serving them.
//!
//! Text form (for `--fault` and `RUDDER_TESTSERVER_FAULTS`, comma-separated):
//! `WHEN=ACTION[xCOUNT][@PATH]`
//! - WHEN: `any`, `reads`, `writes`, `write#K` (only the K-th write), `writes-from#K`
//!   (the K-th write and every later one). Writes are POST, PUT, PATCH and DELETE, counted from 1
//!   as they arrive, retries included.
//! - ACTION: an HTTP code (`409`, `500`, `503`, `504`, ...), `429:SECONDS` (with Retry-After),
//!   `delay:MILLIS` (then served normally), `drop` (connection closed before the request is
//!   served), `drop-after` (served, then the connection closed before the answer).
//! - `xCOUNT`: fire at most COUNT times (default: every time it matches).
//! - `@PATH`: only requests whose path contains PATH.

use std::time::Duration;

/// Which requests a fault applies to.
#[derive(Debug, Clone, PartialEq)]
pub enum When {
    Any,
    Reads,
    Writes,
    /// Only the K-th write (1-based).
    Write(u64),
    /// The K-th write and every later one.
    WritesFrom(u64),
}

/// What happens to a matching request.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Answer with this code and the API server's Status body for it.
    Status(u16),
    /// 429 with `Retry-After: SECONDS`.
    TooManyRequests(u32),
    /// Wait, then serve normally.
    Delay(Duration),
    /// Close the connection without serving the request.
    Drop,
    /// Serve the request, then close the connection without answering.
    DropAfter,
}

/// One fault rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub when: When,
    pub action: Action,
    /// How many times it may fire; `None` for always.
    pub times: Option<u32>,
    /// Only requests whose path contains this.
    pub path: Option<String>,
}

impl Fault {
    /// A fault for every matching request.
    pub fn new(when: When, action: Action) -> Fault {
        Fault {
            when,
            action,
            times: None,
            path: None,
        }
    }

    /// Fire at most `n` times.
    pub fn times(mut self, n: u32) -> Fault {
        self.times = Some(n);
        self
    }

    /// Only requests whose path contains `part`.
    pub fn on_path(mut self, part: &str) -> Fault {
        self.path = Some(part.to_string());
        self
    }

    /// Parses the text form described in the module docs.
    ///
    /// # Errors
    /// A message naming the part of `spec` that does not parse.
    pub fn parse(spec: &str) -> Result<Fault, String> {
        let bad = |what: &str| format!("fault {spec:?}: {what}");
        let (rest, path) = match spec.split_once('@') {
            Some((r, p)) => (r, Some(p.to_string())),
            None => (spec, None),
        };
        let (when, action) = rest.split_once('=').ok_or_else(|| bad("expected WHEN=ACTION"))?;
        let number = |s: &str| s.parse::<u64>().map_err(|_| bad(&format!("{s:?} is not a number")));
        let when = match when {
            "any" => When::Any,
            "reads" => When::Reads,
            "writes" => When::Writes,
            w => match w.split_once('#') {
                Some(("write", k)) => When::Write(number(k)?),
                Some(("writes-from", k)) => When::WritesFrom(number(k)?),
                _ => {
                    return Err(bad(&format!(
                        "unknown WHEN {w:?} (any, reads, writes, write#K, writes-from#K)"
                    )));
                }
            },
        };
        let (action, times) = match action.rsplit_once('x') {
            Some((a, n)) if !a.is_empty() && n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => {
                (a, Some(number(n)? as u32))
            }
            _ => (action, None),
        };
        let action = match action.split_once(':') {
            Some(("429", s)) => Action::TooManyRequests(number(s)? as u32),
            Some(("delay", ms)) => Action::Delay(Duration::from_millis(number(ms)?)),
            None if action == "drop" => Action::Drop,
            None if action == "drop-after" => Action::DropAfter,
            None if action == "429" => Action::TooManyRequests(1),
            None => match action.parse::<u16>() {
                Ok(code) if (400..600).contains(&code) => Action::Status(code),
                _ => return Err(bad(&format!("unknown ACTION {action:?}"))),
            },
            Some(_) => return Err(bad(&format!("unknown ACTION {action:?}"))),
        };
        Ok(Fault {
            when,
            action,
            times,
            path,
        })
    }
}

/// The installed rules and the write counter.
#[derive(Debug, Default)]
pub struct Faults {
    rules: Vec<(Fault, u32)>,
    writes: u64,
}

impl Faults {
    pub fn add(&mut self, f: Fault) {
        self.rules.push((f, 0));
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// Writes seen so far.
    pub fn writes(&self) -> u64 {
        self.writes
    }

    /// Counts the request and returns what to do with it: delays to wait first, then at most
    /// one other action (the first matching rule's).
    pub fn decide(&mut self, is_write: bool, path: &str) -> (Duration, Option<Action>) {
        if is_write {
            self.writes += 1;
        }
        let n = self.writes;
        let (mut delay, mut action) = (Duration::ZERO, None);
        for (f, fired) in &mut self.rules {
            let hit = match f.when {
                When::Any => true,
                When::Reads => !is_write,
                When::Writes => is_write,
                When::Write(k) => is_write && n == k,
                When::WritesFrom(k) => is_write && n >= k,
            };
            if !hit || f.path.as_deref().is_some_and(|p| !path.contains(p)) || f.times.is_some_and(|t| *fired >= t) {
                continue;
            }
            match &f.action {
                Action::Delay(d) => delay += *d,
                a if action.is_none() => action = Some(a.clone()),
                _ => continue,
            }
            *fired += 1;
        }
        (delay, action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_text_form() {
        assert_eq!(
            Fault::parse("writes=503x2").unwrap(),
            Fault::new(When::Writes, Action::Status(503)).times(2)
        );
        assert_eq!(
            Fault::parse("write#3=drop").unwrap(),
            Fault::new(When::Write(3), Action::Drop)
        );
        assert_eq!(
            Fault::parse("any=delay:200@/configmaps").unwrap(),
            Fault::new(When::Any, Action::Delay(Duration::from_millis(200))).on_path("/configmaps")
        );
        assert_eq!(Fault::parse("reads=429:2").unwrap().action, Action::TooManyRequests(2));
        assert!(Fault::parse("sometimes=503").is_err());
        assert!(Fault::parse("writes=teapot").is_err());
    }

    #[test]
    fn counts_fire_limits_and_kth_writes() {
        let mut f = Faults::default();
        f.add(Fault::new(When::Writes, Action::Status(503)).times(1));
        f.add(Fault::new(When::Write(3), Action::Drop));
        assert_eq!(f.decide(false, "/api").1, None);
        assert_eq!(f.decide(true, "/api").1, Some(Action::Status(503)));
        assert_eq!(f.decide(true, "/api").1, None);
        assert_eq!(f.decide(true, "/api").1, Some(Action::Drop));
        assert_eq!(f.decide(true, "/api").1, None);
        assert_eq!(f.writes(), 4);
    }
}
