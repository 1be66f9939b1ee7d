//! Coarse location from the organisation's own GeoIP database (LC-2): a
//! town and country for an address, looked up offline in a MaxMind-format
//! file (GeoLite2 City, DB-IP City Lite, ...) when one is configured.
//! Nothing is sent anywhere.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
#[error("the GeoIP database {path} could not be opened: {reason}")]
pub struct GeoIpError {
    pub path: String,
    pub reason: String,
}

/// An open GeoIP database.
pub struct Locator {
    reader: maxminddb::Reader<Vec<u8>>,
}

impl std::fmt::Debug for Locator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Locator").finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct Named<'a> {
    #[serde(borrow, default)]
    names: BTreeMap<&'a str, &'a str>,
}

#[derive(Deserialize)]
struct Place<'a> {
    #[serde(borrow)]
    city: Option<Named<'a>>,
    #[serde(borrow)]
    country: Option<Named<'a>>,
}

impl Locator {
    pub fn open(path: &Path) -> Result<Self, GeoIpError> {
        let reader = maxminddb::Reader::open_readfile(path).map_err(|e| GeoIpError {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Ok(Self { reader })
    }

    /// "Town, Country", or the country alone, in English; `None` when the
    /// address is not in the database (private addresses never are).
    pub fn locate(&self, ip: IpAddr) -> Option<String> {
        let found = self.reader.lookup(ip).ok()?;
        let place: Place<'_> = found.decode().ok()??;
        let english =
            |n: Option<Named<'_>>| n.and_then(|n| n.names.get("en").map(|s| (*s).to_owned()));
        match (english(place.city), english(place.country)) {
            (Some(town), Some(country)) => Some(format!("{town}, {country}")),
            (None, Some(country)) => Some(country),
            (Some(town), None) => Some(town),
            (None, None) => None,
        }
    }
}
