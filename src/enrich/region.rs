//! STUB — replaced by the gazetteer module.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region {
    pub province: &'static str,
    pub city: Option<&'static str>,
}
impl Region {
    pub fn path(&self) -> String {
        match self.city {
            Some(c) => format!("/{}/{}", self.province, c),
            None => format!("/{}", self.province),
        }
    }
}
pub fn regions_of_issuer(_issuer: &str) -> Vec<Region> {
    Vec::new()
}
pub fn regions_in_text(_text: &str) -> Vec<(Region, usize)> {
    Vec::new()
}
pub fn resolve_region_query(_value: &str) -> Vec<Region> {
    Vec::new()
}
