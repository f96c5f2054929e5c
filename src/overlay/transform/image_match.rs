//! Which `images:` entries match an image reference, found without trying every entry.
//!
//! kustomize puts an entry's `name` into the pattern
//! `^NAME(:[A-Za-z0-9_.{}-]*)?(@sha256:[A-Za-z0-9_.{}-]*)?$`, so `.` in a name matches any
//! character and other pattern characters work too. Names with only `.` for pattern
//! characters (nearly all) go into a trie walked with `.` as a wildcard; the rare others
//! are compiled regular expressions tried one by one. A lookup costs the length of the
//! image, not the number of entries, so builds with one entry per image stay linear.

use std::collections::HashMap;

use crate::overlay::kustomization::Image;

/// The entries of one `images:` field, ready for lookups.
pub struct ImageIndex {
    nodes: Vec<Node>,
    regexes: Vec<(usize, regex::Regex)>,
}

#[derive(Default)]
struct Node {
    children: HashMap<char, usize>,
    /// Entries whose name ends here.
    ends: Vec<usize>,
}

impl ImageIndex {
    /// Indexes `images` by name.
    ///
    /// # Errors
    /// The index and message of an entry whose name is not a valid pattern.
    pub fn new(images: &[Image]) -> Result<Self, (usize, String)> {
        let mut idx = ImageIndex {
            nodes: vec![Node::default()],
            regexes: Vec::new(),
        };
        for (i, img) in images.iter().enumerate() {
            if img.name.chars().any(|c| "\\^$*+?()[]{}|".contains(c)) {
                let pattern = format!("^{}(:[a-zA-Z0-9_.{{}}-]*)?(@sha256:[a-zA-Z0-9_.{{}}-]*)?$", img.name);
                let re = regex::Regex::new(&pattern)
                    .map_err(|e| (i, format!("'{}' is not a valid pattern: {e}", img.name)))?;
                idx.regexes.push((i, re));
                continue;
            }
            let mut at = 0;
            for c in img.name.chars() {
                at = match idx.nodes[at].children.get(&c) {
                    Some(&n) => n,
                    None => {
                        idx.nodes.push(Node::default());
                        let n = idx.nodes.len() - 1;
                        idx.nodes[at].children.insert(c, n);
                        n
                    }
                };
            }
            idx.nodes[at].ends.push(i);
        }
        Ok(idx)
    }

    /// The first entry after `after` (all entries when `None`) that matches `image`.
    pub fn next_match(&self, image: &str, after: Option<usize>) -> Option<usize> {
        let mut best: Option<usize> = None;
        let mut consider = |i: usize| {
            if after.is_none_or(|a| i > a) && best.is_none_or(|b| i < b) {
                best = Some(i);
            }
        };
        // Every split of the image into NAME and an acceptable `:tag@sha256:digest` rest.
        for (end, _) in image.char_indices().chain(std::iter::once((image.len(), ' '))) {
            if end == image.len() || rest_ok(&image[end..]) {
                self.walk(0, &image[..end], &mut consider);
            }
        }
        for (i, re) in &self.regexes {
            if re.is_match(image) {
                consider(*i);
            }
        }
        best
    }

    /// Whether entry `i` matches `image`.
    pub fn matches_entry(&self, image: &str, i: usize) -> bool {
        self.next_match(image, i.checked_sub(1)) == Some(i)
    }

    /// Calls `f` for every entry whose name matches all of `s`.
    fn walk(&self, node: usize, s: &str, f: &mut impl FnMut(usize)) {
        let mut chars = s.chars();
        match chars.next() {
            None => self.nodes[node].ends.iter().for_each(|&i| f(i)),
            Some(c) => {
                let rest = chars.as_str();
                if let Some(&n) = self.nodes[node].children.get(&c) {
                    self.walk(n, rest, f);
                }
                if c != '.'
                    && c != '\n'
                    && let Some(&n) = self.nodes[node].children.get(&'.')
                {
                    self.walk(n, rest, f);
                }
            }
        }
    }
}

/// Whether `rest` (non-empty, following the name) is `(:TAG)?(@sha256:DIGEST)?`.
fn rest_ok(rest: &str) -> bool {
    if !rest.starts_with([':', '@']) {
        return false;
    }
    let tag_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '{' | '}' | '-');
    let rest = match rest.strip_prefix(':') {
        Some(r) => r.trim_start_matches(tag_char),
        None => rest,
    };
    let rest = match rest.strip_prefix("@sha256:") {
        Some(r) => r.trim_start_matches(tag_char),
        None => rest,
    };
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx(names: &[&str]) -> ImageIndex {
        let images: Vec<Image> = names
            .iter()
            .map(|n| Image {
                name: n.to_string(),
                ..Default::default()
            })
            .collect();
        ImageIndex::new(&images).unwrap()
    }

    #[test]
    fn matches_names_with_tags_and_digests() {
        let i = idx(&["nginx", "localhost:5000/app", "registry.example.com/app"]);
        assert_eq!(i.next_match("nginx", None), Some(0));
        assert_eq!(i.next_match("nginx:1.25", None), Some(0));
        assert_eq!(i.next_match("nginx@sha256:abc", None), Some(0));
        assert_eq!(i.next_match("nginx:1.25@sha256:abc", None), Some(0));
        assert_eq!(i.next_match("nginx-extra:1", None), None);
        assert_eq!(i.next_match("localhost:5000/app:1.0", None), Some(1));
        assert_eq!(i.next_match("localhost:5000/app", None), Some(1));
        // `.` matches any character, as in kustomize's pattern.
        assert_eq!(i.next_match("registryXexample-com/app:2", None), Some(2));
        assert_eq!(i.next_match("nginx:1.25", Some(0)), None);
    }

    #[test]
    fn pattern_names_use_regexes() {
        let i = idx(&["ngin+x", "other"]);
        assert_eq!(i.next_match("nginnnx:1", None), Some(0));
        let bad = ImageIndex::new(&[Image {
            name: "a(".into(),
            ..Default::default()
        }]);
        assert!(bad.is_err());
    }

    #[test]
    fn earliest_entry_wins() {
        let i = idx(&["b", "a", "a"]);
        assert_eq!(i.next_match("a:1", None), Some(1));
        assert_eq!(i.next_match("a:1", Some(1)), Some(2));
    }
}
