//! The files of a new chart, embedded in the binary. The sources live in `scaffold/` under names
//! that no chart loader or YAML walker takes for a real chart; `<CHARTNAME>` is replaced.

use std::path::PathBuf;

/// (path in the chart, content with `<CHARTNAME>` in place of the name)
const FILES: &[(&str, &str)] = &[
    ("Chart.yaml", include_str!("scaffold/Chart.yaml")),
    ("values.yaml", include_str!("scaffold/values.yaml")),
    ("values.schema.json", include_str!("scaffold/values.schema.json")),
    (".helmignore", include_str!("scaffold/helmignore")),
    ("templates/_helpers.tpl", include_str!("scaffold/helpers.jinja")),
    ("templates/deployment.yaml", include_str!("scaffold/deployment.jinja")),
    ("templates/service.yaml", include_str!("scaffold/service.jinja")),
    (
        "templates/serviceaccount.yaml",
        include_str!("scaffold/serviceaccount.jinja"),
    ),
    ("templates/ingress.yaml", include_str!("scaffold/ingress.jinja")),
    ("templates/hpa.yaml", include_str!("scaffold/hpa.jinja")),
    ("templates/NOTES.txt", include_str!("scaffold/NOTES.jinja")),
];

/// The scaffold's files for a chart called `name`, as (relative path, content).
pub fn files(name: &str) -> Vec<(PathBuf, String)> {
    FILES
        .iter()
        .map(|(path, text)| (PathBuf::from(path), text.replace("<CHARTNAME>", name)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_chart_everywhere() {
        let files = files("shop");
        let chart = &files.iter().find(|(p, _)| p.ends_with("Chart.yaml")).unwrap().1;
        assert!(chart.contains("\nname: shop\n"), "{chart}");
        assert!(files.iter().all(|(_, t)| !t.contains("<CHARTNAME>")));
    }
}
