//! The values flags shared by `values`, `template`, `lint`, `install` and `upgrade`.

use std::path::PathBuf;

use rudder::chart::values::ValueOptions;

/// `-f/--values`, `--set`, `--set-string`, `--set-json`, `--set-file`, `--set-literal`.
///
/// Helm's order applies whatever the order on the command line: files, then `--set-json`,
/// `--set`, `--set-string`, `--set-file`, `--set-literal`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ValuesFlags {
    /// Values file (YAML, '-' for stdin); repeat or separate with commas, later files win.
    #[arg(short = 'f', long = "values", value_name = "FILE", value_delimiter = ',')]
    pub values: Vec<PathBuf>,
    /// Set values: a.b=1,list={x,y},items[0].name=z (typed: int64, true/false/null).
    #[arg(long = "set", value_name = "KEY=VAL")]
    pub set: Vec<String>,
    /// Set values as strings, never typed.
    #[arg(long = "set-string", value_name = "KEY=VAL")]
    pub set_string: Vec<String>,
    /// Set JSON values: a={"b":[1,2]}, or a whole JSON object {"a":1}.
    #[arg(long = "set-json", value_name = "KEY=JSON")]
    pub set_json: Vec<String>,
    /// Set values from files: the value is the file's text.
    #[arg(long = "set-file", value_name = "KEY=PATH")]
    pub set_file: Vec<String>,
    /// Set a literal string: everything after the first '=' as is, commas included.
    #[arg(long = "set-literal", value_name = "KEY=VAL")]
    pub set_literal: Vec<String>,
}

impl ValuesFlags {
    /// The library's options for these flags.
    pub fn to_options(&self) -> ValueOptions {
        ValueOptions {
            values_files: self.values.clone(),
            set: self.set.clone(),
            set_string: self.set_string.clone(),
            set_json: self.set_json.clone(),
            set_file: self.set_file.clone(),
            set_literal: self.set_literal.clone(),
        }
    }
}
