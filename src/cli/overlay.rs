//! `rudder overlay create|edit`: write and edit the kustomization.yaml in the current
//! directory as `kustomize create` and `kustomize edit` do.

use std::path::Path;

use anyhow::Result;
use clap::{Args as ClapArgs, Subcommand};

use rudder::overlay::edit::{self, CreateOptions, GeneratorFlags, KustFile, LabelMode, PatchFlags};

#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(subcommand)]
    command: OverlayCommand,
}

#[derive(Debug, Subcommand)]
enum OverlayCommand {
    /// Create a new kustomization.yaml in the current directory.
    #[command(visible_alias = "init")]
    Create(CreateArgs),
    /// Edit the kustomization file in the current directory.
    Edit {
        #[command(subcommand)]
        command: EditCommand,
    },
}

#[derive(Debug, ClapArgs)]
struct CreateArgs {
    /// Resources to list, comma-separated (files, globs, directories, remote references).
    #[arg(long, value_name = "LIST")]
    resources: Option<String>,
    /// Set the namespace field.
    #[arg(long)]
    namespace: Option<String>,
    /// Add common labels, comma-separated `key:value` pairs.
    #[arg(long, value_name = "PAIRS")]
    labels: Option<String>,
    /// Add common annotations, comma-separated `key:value` pairs.
    #[arg(long, value_name = "PAIRS")]
    annotations: Option<String>,
    /// Set the namePrefix field.
    #[arg(long, value_name = "PREFIX")]
    nameprefix: Option<String>,
    /// Set the nameSuffix field.
    #[arg(long, value_name = "SUFFIX", allow_hyphen_values = true)]
    namesuffix: Option<String>,
    /// Add the files of the current directory that hold Kubernetes objects.
    #[arg(long)]
    autodetect: bool,
    /// With --autodetect, search subdirectories too.
    #[arg(long)]
    recursive: bool,
}

#[derive(Debug, Subcommand)]
enum EditCommand {
    /// Set a field of the kustomization.
    Set {
        #[command(subcommand)]
        what: SetCommand,
    },
    /// Add entries to the kustomization.
    Add {
        #[command(subcommand)]
        what: AddCommand,
    },
    /// Remove entries from the kustomization.
    Remove {
        #[command(subcommand)]
        what: RemoveCommand,
    },
}

#[derive(Debug, Subcommand)]
enum SetCommand {
    /// Set new names, tags or digests for images: `NAME:TAG`, `NAME@DIGEST`,
    /// `NAME=NEWNAME[:TAG][@DIGEST]`; `*` keeps the current value.
    Image {
        #[arg(required = true, value_name = "IMAGE")]
        images: Vec<String>,
    },
    /// Set the namespace of all objects.
    Namespace { namespace: String },
    /// Set the prefix added to all object names.
    Nameprefix { prefix: String },
    /// Set the suffix added to all object names.
    Namesuffix {
        #[arg(allow_hyphen_values = true)]
        suffix: String,
    },
    /// Set replica counts: `NAME=COUNT`.
    Replicas {
        #[arg(required = true, value_name = "NAME=COUNT")]
        replicas: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
enum AddCommand {
    /// Add resources (files, globs, directories, remote references).
    Resource {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<String>,
    },
    /// Add an entry to `patches`.
    #[command(disable_version_flag = true)]
    Patch(PatchArgs),
    /// Add common labels (`key:value`, several or comma-separated).
    Label {
        #[arg(required = true, value_name = "KEY:VALUE")]
        pairs: Vec<String>,
        /// Overwrite a label that is already set.
        #[arg(short, long)]
        force: bool,
        /// Add to `labels:` without touching selectors.
        #[arg(long)]
        without_selector: bool,
        /// With --without-selector, label pod templates too.
        #[arg(long)]
        include_templates: bool,
    },
    /// Add common annotations (`key:value`, several or comma-separated).
    Annotation {
        #[arg(required = true, value_name = "KEY:VALUE")]
        pairs: Vec<String>,
        /// Overwrite an annotation that is already set.
        #[arg(short, long)]
        force: bool,
    },
    /// Add a configMapGenerator entry.
    Configmap(GeneratorArgs),
    /// Add a secretGenerator entry.
    Secret {
        #[command(flatten)]
        args: GeneratorArgs,
        /// The secret's type.
        #[arg(long = "type", default_value = "Opaque")]
        secret_type: String,
    },
}

#[derive(Debug, ClapArgs)]
struct PatchArgs {
    /// Path to the patch file.
    #[arg(long)]
    path: Option<String>,
    /// The patch itself, inline.
    #[arg(long)]
    patch: Option<String>,
    /// Target group.
    #[arg(long)]
    group: Option<String>,
    /// Target version.
    #[arg(long)]
    version: Option<String>,
    /// Target kind.
    #[arg(long)]
    kind: Option<String>,
    /// Target name (a regular expression).
    #[arg(long)]
    name: Option<String>,
    /// Target namespace.
    #[arg(long)]
    namespace: Option<String>,
    /// Target label selector.
    #[arg(long)]
    label_selector: Option<String>,
    /// Target annotation selector.
    #[arg(long)]
    annotation_selector: Option<String>,
}

#[derive(Debug, ClapArgs)]
struct GeneratorArgs {
    /// Name of the generated object.
    name: String,
    /// Files to read: `[KEY=]PATH` (globs allowed), comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "[KEY=]PATH")]
    from_file: Vec<String>,
    /// Literal `KEY=VALUE` (repeatable).
    #[arg(long, value_name = "KEY=VALUE")]
    from_literal: Vec<String>,
    /// An env file of `KEY=VALUE` lines.
    #[arg(long, value_name = "PATH")]
    from_env_file: Option<String>,
    /// create, merge or replace (for objects from a base).
    #[arg(long)]
    behavior: Option<String>,
    /// Namespace of the generated object.
    #[arg(long)]
    namespace: Option<String>,
    /// Do not append the content hash to the name.
    #[arg(long = "disableNameSuffixHash")]
    disable_name_suffix_hash: bool,
}

impl GeneratorArgs {
    fn flags(self, secret_type: Option<String>) -> GeneratorFlags {
        GeneratorFlags {
            name: self.name,
            namespace: self.namespace,
            from_file: self.from_file,
            from_literal: self.from_literal,
            from_env_file: self.from_env_file,
            behavior: self.behavior,
            disable_name_suffix_hash: self.disable_name_suffix_hash,
            secret_type,
        }
    }
}

#[derive(Debug, Subcommand)]
enum RemoveCommand {
    /// Remove resources matching the patterns.
    Resource {
        #[arg(required = true, value_name = "PATTERN")]
        patterns: Vec<String>,
    },
}

pub fn run(args: Args) -> Result<()> {
    let dir = Path::new(".");
    match args.command {
        OverlayCommand::Create(c) => {
            let o = CreateOptions {
                resources: c.resources,
                namespace: c.namespace,
                labels: c.labels,
                annotations: c.annotations,
                name_prefix: c.nameprefix,
                name_suffix: c.namesuffix,
                autodetect: c.autodetect,
                recursive: c.recursive,
            };
            edit::create(dir, &o)?;
            Ok(())
        }
        OverlayCommand::Edit { command } => {
            let mut k = KustFile::open(dir)?;
            if apply(&mut k, command)? {
                k.write()?;
            }
            Ok(())
        }
    }
}

/// Applies one edit; false when there is nothing to write.
fn apply(k: &mut KustFile, command: EditCommand) -> Result<bool> {
    let mut notes = Vec::new();
    let changed = match command {
        EditCommand::Set { what } => {
            match what {
                SetCommand::Image { images } => edit::set_images(k, &images)?,
                SetCommand::Namespace { namespace } => edit::set_namespace(k, &namespace)?,
                SetCommand::Nameprefix { prefix } => edit::set_name_prefix(k, &prefix),
                SetCommand::Namesuffix { suffix } => edit::set_name_suffix(k, &suffix),
                SetCommand::Replicas { replicas } => edit::set_replicas(k, &replicas)?,
            }
            true
        }
        EditCommand::Add { what } => match what {
            AddCommand::Resource { paths } => edit::add_resources(k, &paths, &mut notes)?,
            AddCommand::Patch(p) => {
                let added = edit::add_patch(
                    k,
                    &PatchFlags {
                        path: p.path,
                        patch: p.patch,
                        group: p.group,
                        version: p.version,
                        kind: p.kind,
                        name: p.name,
                        namespace: p.namespace,
                        label_selector: p.label_selector,
                        annotation_selector: p.annotation_selector,
                    },
                )?;
                if !added {
                    notes.push("patch already in kustomization file".into());
                }
                added
            }
            AddCommand::Label {
                pairs,
                force,
                without_selector,
                include_templates,
            } => {
                let mode = LabelMode {
                    without_selector,
                    include_templates,
                };
                edit::add_labels(k, &pairs, force, mode)?;
                true
            }
            AddCommand::Annotation { pairs, force } => {
                edit::add_annotations(k, &pairs, force)?;
                true
            }
            AddCommand::Configmap(g) => {
                edit::add_configmap(k, &g.flags(None))?;
                true
            }
            AddCommand::Secret { args, secret_type } => {
                edit::add_secret(k, &args.flags(Some(secret_type)))?;
                true
            }
        },
        EditCommand::Remove { what } => match what {
            RemoveCommand::Resource { patterns } => edit::remove_resources(k, &patterns)?,
        },
    };
    for n in notes {
        eprintln!("note: {n}");
    }
    Ok(changed)
}
