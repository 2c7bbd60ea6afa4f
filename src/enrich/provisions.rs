//! STUB — replaced by the taxonomy module.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    provisions: Vec<Provision>,
    hash: String,
    source: String,
}
#[derive(Debug, Clone)]
pub struct Provision {
    pub id: String,
    pub label_en: String,
    pub label_zh: String,
}
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    #[error("bad taxonomy: {0}")]
    Bad(String),
}
pub struct Expansion {
    pub phrase: String,
    pub start: usize,
    pub len: usize,
    pub provision: String,
    pub zh_terms: Vec<String>,
}
impl Taxonomy {
    pub fn from_toml_str(src: &str) -> Result<Taxonomy, TaxonomyError> {
        Ok(Taxonomy {
            provisions: vec![],
            source: src.to_string(),
            hash: blake3::hash(src.as_bytes()).to_hex().to_string(),
        })
    }
    pub fn builtin() -> &'static Taxonomy {
        static T: once_cell::sync::Lazy<Taxonomy> =
            once_cell::sync::Lazy::new(|| Taxonomy::from_toml_str("").unwrap());
        &T
    }
    pub fn source(&self) -> &str {
        &self.source
    }
    pub fn hash(&self) -> String {
        self.hash.clone()
    }
    pub fn provisions(&self) -> &[Provision] {
        &self.provisions
    }
    pub fn get(&self, id: &str) -> Option<&Provision> {
        self.provisions.iter().find(|p| p.id == id)
    }
    pub fn tag(&self, _folded: &str) -> Vec<&str> {
        vec![]
    }
    pub fn expand_english(&self, _words: &[&str]) -> Vec<Expansion> {
        vec![]
    }
}
