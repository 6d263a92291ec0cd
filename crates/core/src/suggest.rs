//! "Did you mean …?": the nearest names to a misspelt one, by edit distance.

/// Up to three candidates closest to `name`, nearest first, among those close
/// enough to be a plausible typo.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let limit = (name.chars().count() / 3).max(2);
    let lower = name.to_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let d = edit_distance(&lower, &c.to_lowercase());
            (d <= limit || c.to_lowercase().contains(&lower) && lower.len() >= 3).then_some((d, c))
        })
        .collect();
    crate::order::sort(&mut scored);
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(3)
        .map(|(_, c)| c.to_string())
        .collect()
}

/// The message tail for a list of suggestions: "; did you mean `a` or `b`?".
pub fn hint(suggestions: &[String]) -> String {
    use crate::error::quote;
    match suggestions {
        [] => String::new(),
        [one] => format!("; did you mean `{}`?", quote(one)),
        [rest @ .., last] => {
            let rest: Vec<String> = rest.iter().map(|s| format!("`{}`", quote(s))).collect();
            format!("; did you mean {} or `{}`?", rest.join(", "), quote(last))
        }
    }
}

/// Levenshtein distance over characters, with transpositions counted as one.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Names longer than this are not typos of each other; skip the quadratic work.
    if a.len().abs_diff(b.len()) > 8 || a.len() > 200 || b.len() > 200 {
        return usize::MAX / 2;
    }
    let mut prev2 = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_names() {
        let names = ["loan-status", "loan-id", "status-days-past-due"];
        assert_eq!(did_you_mean("loan-stauts", names), vec!["loan-status"]);
        assert_eq!(did_you_mean("zzzzzz", names), Vec::<String>::new());
        assert_eq!(
            hint(&["a".into(), "b".into()]),
            "; did you mean `a` or `b`?"
        );
    }
}
