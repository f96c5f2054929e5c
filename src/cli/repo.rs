//! `rudder repo add|list|update|remove|index`: manage chart repositories, as `helm repo`.

use std::path::PathBuf;

use anyhow::Context;
use rudder::repo::{self, Added, RepoEntry, RepoFile};

use super::chart_ref::{HttpArgs, require_paths};
use super::status::write as print;
use super::table::trimmed_columns;

/// Add, list, update and remove chart repositories; index a folder of packages.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, clap::Subcommand)]
enum What {
    /// Add a chart repository (its index is fetched and cached now).
    Add(AddArgs),
    /// List the configured repositories.
    #[command(alias = "ls")]
    List(ListArgs),
    /// Fetch the latest index of each repository (or of the named ones).
    #[command(alias = "up")]
    Update(UpdateArgs),
    /// Remove repositories and their cached indexes.
    #[command(alias = "rm")]
    Remove(RemoveArgs),
    /// Write DIR/index.yaml for the chart packages in DIR (and its direct subdirectories).
    Index(IndexArgs),
}

#[derive(Debug, clap::Args)]
struct AddArgs {
    /// Repository name (used as NAME/chart).
    name: String,
    /// Repository URL (http or https; its index is URL/index.yaml).
    url: String,
    #[command(flatten)]
    http: HttpArgs,
    /// Replace an existing repository of the same name.
    #[arg(long)]
    force_update: bool,
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    #[command(flatten)]
    output: OutputArgs,
}

/// `-o table|json|yaml`, shared by the listing commands (`repo list`, `search repo`).
#[derive(Debug, clap::Args)]
pub(super) struct OutputArgs {
    /// Output format.
    #[arg(short = 'o', long, default_value = "table", value_parser = ["table", "json", "yaml"])]
    output: String,
}

impl OutputArgs {
    /// `rows` as a JSON array or YAML sequence when -o asks for one; `None` for a table,
    /// which the caller lays out.
    pub(super) fn structured(&self, rows: Vec<serde_json::Value>) -> Option<String> {
        let rows = serde_json::Value::Array(rows);
        match self.output.as_str() {
            "json" => Some(format!("{rows}\n")),
            "yaml" => Some(rudder::yaml::to_string(&rudder::yaml::Value::from_json(&rows))),
            _ => None,
        }
    }
}

#[derive(Debug, clap::Args)]
struct UpdateArgs {
    /// Repositories to update (default: all).
    names: Vec<String>,
    /// Stop at the first repository that fails (by default all are tried, then it fails).
    #[arg(long)]
    fail_fast: bool,
}

#[derive(Debug, clap::Args)]
struct RemoveArgs {
    /// Repository names.
    #[arg(required = true)]
    names: Vec<String>,
}

#[derive(Debug, clap::Args)]
struct IndexArgs {
    /// Folder of .tgz chart packages.
    dir: PathBuf,
    /// URL of the repository the packages will be served from (entries' urls are URL/FILE).
    #[arg(long)]
    url: Option<String>,
    /// Merge the generated index into this existing index (its versions the new index lacks
    /// are kept).
    #[arg(long, value_name = "INDEX")]
    merge: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    match args.what {
        What::Add(a) => add(a),
        What::List(a) => list(a),
        What::Update(a) => update(a),
        What::Remove(a) => remove(a),
        What::Index(a) => index(a),
    }
}

fn add(a: AddArgs) -> anyhow::Result<()> {
    let paths = require_paths()?;
    let http = a.http.to_options()?;
    let entry = RepoEntry {
        name: a.name.clone(),
        url: a.url.clone(),
        username: http.username.clone().unwrap_or_default(),
        password: http.password.clone().unwrap_or_default(),
        cert_file: path_text(&http.cert_file),
        key_file: path_text(&http.key_file),
        ca_file: path_text(&http.ca_file),
        insecure_skip_tls_verify: http.insecure_skip_tls_verify,
        pass_credentials_all: http.pass_credentials,
    };
    let added = repo::add_repo(&paths, entry, &http, a.force_update)
        .with_context(|| format!("adding repository \"{}\"", a.name))?;
    match added {
        Added::Added => println!("\"{}\" has been added to your repositories", a.name),
        Added::Unchanged => println!("\"{}\" already exists with the same configuration, skipping", a.name),
    }
    Ok(())
}

/// A path as stored in repositories.yaml (absolute, as Helm stores them).
fn path_text(p: &Option<PathBuf>) -> String {
    p.as_ref()
        .map(|p| {
            std::path::absolute(p)
                .unwrap_or_else(|_| p.clone())
                .display()
                .to_string()
        })
        .unwrap_or_default()
}

fn list(a: ListArgs) -> anyhow::Result<()> {
    let paths = require_paths()?;
    let file = RepoFile::load(&paths)?;
    if file.entries.is_empty() {
        anyhow::bail!("no repositories to show (add one with: rudder repo add NAME URL)");
    }
    let rows: Vec<serde_json::Value> = file
        .entries
        .iter()
        .map(|e| serde_json::json!({"name": e.name, "url": repo::redact(&e.url)}))
        .collect();
    let text = a.output.structured(rows).unwrap_or_else(|| {
        let mut t = vec![vec!["NAME".to_string(), "URL".to_string()]];
        t.extend(file.entries.iter().map(|e| vec![e.name.clone(), repo::redact(&e.url)]));
        trimmed_columns(&t)
    });
    print(&text)
}

fn update(a: UpdateArgs) -> anyhow::Result<()> {
    let paths = require_paths()?;
    let file = RepoFile::load(&paths)?;
    if file.entries.is_empty() {
        anyhow::bail!("no repositories found (add one with: rudder repo add NAME URL)");
    }
    for n in &a.names {
        if file.get(n).is_none() {
            return Err(repo::Error::UnknownRepo { name: n.clone() }.into());
        }
    }
    println!("Hang tight while we grab the latest from your chart repositories...");
    let mut failed = Vec::new();
    for entry in &file.entries {
        if !a.names.is_empty() && !a.names.contains(&entry.name) {
            continue;
        }
        match repo::update_index(&paths, entry, &Default::default()) {
            Ok(_) => println!(
                "...Successfully got an update from the \"{}\" chart repository",
                entry.name
            ),
            Err(e) => {
                println!(
                    "...Unable to get an update from the \"{}\" chart repository ({}):\n\t{e}",
                    entry.name,
                    repo::redact(&entry.url)
                );
                failed.push(entry.name.clone());
                if a.fail_fast {
                    break;
                }
            }
        }
    }
    if !failed.is_empty() {
        anyhow::bail!("failed to update the following repositories: {}", failed.join(", "));
    }
    println!("Update Complete. ⎈ Steady as she goes! ⎈");
    Ok(())
}

fn remove(a: RemoveArgs) -> anyhow::Result<()> {
    let paths = require_paths()?;
    for name in &a.names {
        repo::remove_repo(&paths, name)?;
        println!("\"{name}\" has been removed from your repositories");
    }
    Ok(())
}

fn index(a: IndexArgs) -> anyhow::Result<()> {
    if !a.dir.is_dir() {
        anyhow::bail!("{}: not a directory", a.dir.display());
    }
    let now = repo::now_rfc3339();
    let built = rudder::pipeline::index_directory(&a.dir, a.url.as_deref(), a.merge.as_deref(), &now)
        .with_context(|| format!("indexing {}", a.dir.display()))?;
    for s in &built.skipped {
        eprintln!("warning: skipped {s}");
    }
    let path = a.dir.join("index.yaml");
    repo::write_atomically(&path, built.index.to_yaml().as_bytes(), false)?;
    Ok(())
}
