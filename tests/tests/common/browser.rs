//! A browser-like client for page tests: the session cookie of a signed-in user, no redirect
//! following (so each 303 is seen), form posts with this site's Origin.
#![allow(dead_code)]

use super::common::TestApp;

/// A browser-like client: the session cookie, no redirect following (so each 303 is seen).
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub cookie: String,
    pub client: reqwest::blocking::Client,
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp, user: &str) -> Self {
        Browser {
            app,
            cookie: format!("paxrisk_session={}", app.login(user)),
            client: reqwest::blocking::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        let r = self
            .client
            .get(format!("{}{path}", self.app.base))
            .header("Cookie", &self.cookie)
            .send()
            .unwrap();
        (r.status().as_u16(), r.text().unwrap())
    }

    /// Posts a form as a page of this site would (Origin set); returns status and Location.
    pub fn post(&self, path: &str, form: &[(&str, &str)], origin: Option<&str>) -> (u16, String) {
        let mut req = self
            .client
            .post(format!("{}{path}", self.app.base))
            .header("Cookie", &self.cookie)
            .header("Origin", origin.unwrap_or(&self.app.base))
            .form(form);
        if origin.is_none() {
            req = req.header("Referer", format!("{}/", self.app.base));
        }
        let r = req.send().unwrap();
        let to = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        (r.status().as_u16(), to)
    }
}
