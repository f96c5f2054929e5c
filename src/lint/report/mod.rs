//! Report formats: human text, JSON, SARIF 2.1.0 (GitHub code scanning) and JUnit XML.

mod json;
mod junit;
mod sarif;
mod text;

use std::str::FromStr;

use super::engine::Report;

/// An output format of `rudder lint -o`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Junit,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            "junit" => Ok(Format::Junit),
            _ => Err(format!("unknown format '{s}' (expected text, json, sarif or junit)")),
        }
    }
}

/// Renders the report; `version` is rudder's, for the tool entries of SARIF.
pub fn render(report: &Report, format: Format, version: &str) -> String {
    match format {
        Format::Text => text::render(report),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report, version),
        Format::Junit => junit::render(report),
    }
}

/// `3 errors`, `1 warning`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
