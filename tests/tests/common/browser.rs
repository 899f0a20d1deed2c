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
    /// Gets a page; returns status, the Cache-Control header and the body.
    pub fn get_cached(&self, path: &str) -> (u16, String, String) {
        let r = self
            .client
            .get(format!("{}{path}", self.app.base))
            .header("Cookie", &self.cookie)
            .send()
            .unwrap();
        let cache = r
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        (r.status().as_u16(), cache, r.text().unwrap())
    }

    /// Posts a form as a page of this site would and returns status and body (for posts that
    /// answer with a page rather than a redirect).
    pub fn post_page(
        &self,
        path: &str,
        form: &[(&str, &str)],
        origin: Option<&str>,
    ) -> (u16, String) {
        let r = self
            .client
            .post(format!("{}{path}", self.app.base))
            .header("Cookie", &self.cookie)
            .header("Origin", origin.unwrap_or(&self.app.base))
            .form(form)
            .send()
            .unwrap();
        (r.status().as_u16(), r.text().unwrap())
    }

    /// Posts a `multipart/form-data` form (text fields, then files as (field, file name,
    /// bytes)) as a browser would; returns status and body.
    pub fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
        origin: Option<&str>,
    ) -> (u16, String) {
        let boundary = "----paxriskTestBoundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        for (name, file, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let r = self
            .client
            .post(format!("{}{path}", self.app.base))
            .header("Cookie", &self.cookie)
            .header("Origin", origin.unwrap_or(&self.app.base))
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .unwrap();
        (r.status().as_u16(), r.text().unwrap())
    }
}
