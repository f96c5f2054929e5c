//! Bounds on rendering: instruction fuel and nesting depth (minijinja's), and our own cap on
//! the text one chart render may produce, so a runaway template fails fast.

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Limits of one chart render.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// minijinja instructions one template may run (loops, calls...).
    pub fuel: u64,
    /// Nesting of macro calls, includes and `tpl`.
    pub recursion: usize,
    /// Bytes of text one chart render may produce (all templates together).
    pub output_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            fuel: 50_000_000,
            recursion: 200,
            output_bytes: 256 << 20,
        }
    }
}

/// The bytes a chart render may still produce, shared by the threads rendering it.
#[derive(Debug)]
pub(super) struct Budget(AtomicUsize);

impl Budget {
    pub(super) fn new(bytes: usize) -> Budget {
        Budget(AtomicUsize::new(bytes))
    }

    /// Takes `n` bytes; false when that would go over the budget.
    pub(super) fn spend(&self, n: usize) -> bool {
        self.0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(n))
            .is_ok()
    }
}

/// Why a write was refused: the cap in bytes.
#[derive(Debug)]
pub struct OverLimit(pub usize);

impl std::fmt::Display for OverLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "rendered output is over the limit of {} bytes", self.0)
    }
}

impl std::error::Error for OverLimit {}

/// Collects a template's text, refusing to grow past a cap (the backstop for literal
/// text repeated by loops; printed expressions are checked by the formatter, which knows
/// the line).
pub(super) struct CappedWriter<'a> {
    pub out: &'a mut Vec<u8>,
    pub cap: usize,
}

impl io::Write for CappedWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.out.len() + buf.len() > self.cap {
            return Err(io::Error::other(OverLimit(self.cap)));
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
