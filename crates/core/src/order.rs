//! One stable sort for the engine's small lists (errors by position, secrets by length, search
//! hits by rank). The standard library's sort is compiled anew for each element type and
//! comparison, about 4 KB of wasm each; these sort positions through one comparison behind a
//! `dyn`, so the page carries a single copy.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, keeping equal items in their order (as `slice::sort_by`).
pub fn sort_by<T>(items: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    let order = positions(items.len(), &|a, b| compare(&items[a], &items[b]));
    let mut taken: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| taken[i].take()));
}

/// Sorts `items` by `key`, keeping equal items in their order (as `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in their natural order (as `slice::sort`).
pub fn sort<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, T::cmp);
}

/// The positions `0..len` in the order `compare` gives them, equal ones as they were.
#[inline(never)]
fn positions(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_library_and_keeps_ties_in_order() {
        let mut random = crate::random::Seeded::new(7);
        for len in [0, 1, 2, 3, 20, 257] {
            let items: Vec<(u64, usize)> = (0..len).map(|i| (random.next_u64() % 5, i)).collect();
            let mut ours = items.clone();
            sort_by_key(&mut ours, |&(k, _)| k);
            let mut std_sorted = items.clone();
            std_sorted.sort_by_key(|&(k, _)| k);
            assert_eq!(ours, std_sorted);
            let mut ours = items.clone();
            sort(&mut ours);
            let mut std_sorted = items;
            std_sorted.sort();
            assert_eq!(ours, std_sorted);
        }
    }
}
