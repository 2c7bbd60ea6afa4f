//! Recent searches, kept per index content: the next page of a query and the same query
//! again (the back button, a reload, the API after the page) are served without searching the
//! index again. Entries made on other content (any commit since) are never used, and fall out
//! as new ones come.

use crate::enrich::provisions::Taxonomy;
use crate::search::Matches;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// Most matching documents held over all entries (~150 bytes each: about 60 MB).
const MAX_DOCUMENTS: usize = 400_000;

/// Identifies what a searcher sees: its segments and the deletes applied to each. Unlike the
/// searcher's generation id, it does not change when the reader reloads an unchanged commit
/// (tantivy's meta.json watcher reloads once when it starts).
pub fn content_id(searcher: &tantivy::Searcher) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    searcher.generation().segments().hash(&mut h);
    h.finish()
}

/// What makes two searches the same.
#[derive(Debug, Clone)]
pub struct Key {
    /// The index content searched: see [`content_id`].
    pub content: u64,
    /// The taxonomy the query was expanded with, compared by identity (a reload is a new one;
    /// holding it keeps its address from being reused).
    pub taxonomy: Arc<Taxonomy>,
    pub query: String,
    pub expand: bool,
    pub facets: bool,
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.content == other.content
            && Arc::ptr_eq(&self.taxonomy, &other.taxonomy)
            && self.query == other.query
            && self.expand == other.expand
            && self.facets == other.facets
    }
}

/// A bounded least-recently-used list of [`Matches`].
#[derive(Debug)]
pub struct ResultCache {
    entries: usize,
    list: Mutex<VecDeque<(Key, Arc<Matches>)>>,
}

impl ResultCache {
    /// Up to `entries` searches (0: none).
    pub fn new(entries: usize) -> Self {
        ResultCache {
            entries,
            list: Mutex::new(VecDeque::new()),
        }
    }

    pub fn get(&self, key: &Key) -> Option<Arc<Matches>> {
        let mut list = self.list.lock().ok()?;
        let at = list.iter().position(|(k, _)| k == key)?;
        let entry = list.remove(at)?;
        let found = entry.1.clone();
        list.push_front(entry);
        Some(found)
    }

    pub fn put(&self, key: Key, matches: Arc<Matches>) {
        if self.entries == 0 || matches.documents() > MAX_DOCUMENTS / 4 {
            return;
        }
        let Ok(mut list) = self.list.lock() else {
            return;
        };
        list.retain(|(k, _)| *k != key && k.content == key.content);
        list.push_front((key, matches));
        list.truncate(self.entries);
        while list.iter().map(|(_, m)| m.documents()).sum::<usize>() > MAX_DOCUMENTS {
            list.pop_back();
        }
    }
}
