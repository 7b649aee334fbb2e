//! HTTP digest authentication as SIP uses it (RFC 3261 section 22, RFC 7616 for SHA-256 and the
//! `qop=auth` form, RFC 8760 for SIP's use of SHA-256). The registrar stores HA1 per realm and
//! algorithm, never the password in a form a leak could replay elsewhere.

use md5::Md5;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Md5,
    Sha256,
}

impl Algorithm {
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Sha256 => "SHA-256",
        }
    }
    pub fn from_name(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "MD5" => Some(Algorithm::Md5),
            "SHA-256" => Some(Algorithm::Sha256),
            _ => None,
        }
    }
    fn hash(self, s: &str) -> String {
        match self {
            Algorithm::Md5 => hex::encode(Md5::digest(s.as_bytes())),
            Algorithm::Sha256 => hex::encode(Sha256::digest(s.as_bytes())),
        }
    }
}

/// H(username:realm:password): what the registrar keeps for each line, realm and algorithm.
pub fn ha1(alg: Algorithm, username: &str, realm: &str, password: &str) -> String {
    alg.hash(&format!("{username}:{realm}:{password}"))
}

/// The fields of a credentials answer that the response is computed over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub realm: String,
    pub nonce: String,
    pub uri: String,
    pub response: String,
    pub algorithm: Option<String>,
    pub qop: Option<String>,
    pub nc: Option<String>,
    pub cnonce: Option<String>,
    pub opaque: Option<String>,
}

/// The expected `response` for `qop=auth` (or none, RFC 2069 style, when `qop` is absent).
pub fn response(alg: Algorithm, ha1: &str, method: &str, c: &Credentials) -> String {
    let ha2 = alg.hash(&format!("{method}:{}", c.uri));
    match (&c.qop, &c.nc, &c.cnonce) {
        (Some(qop), Some(nc), Some(cnonce)) => {
            alg.hash(&format!("{ha1}:{}:{nc}:{cnonce}:{qop}:{ha2}", c.nonce))
        }
        _ => alg.hash(&format!("{ha1}:{}:{ha2}", c.nonce)),
    }
}

/// Compares in constant time, so the time taken tells nothing about how much matched.
pub fn same(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Parses `Digest k=v, k="v", ...` (an Authorization or Proxy-Authorization value). Quoted values
/// may hold commas and escaped quotes; unknown parameters are ignored; `None` when it is not a
/// well-formed Digest answer with the required fields.
pub fn parse_credentials(value: &str) -> Option<Credentials> {
    let c = parse_fields(value)?;
    (!c.username.is_empty() && !c.nonce.is_empty() && !c.uri.is_empty() && !c.response.is_empty())
        .then_some(c)
}

/// Parses a challenge (`WWW-Authenticate` / `Proxy-Authenticate`): realm, nonce, algorithm,
/// qop and opaque are filled.
pub fn parse_challenge(value: &str) -> Option<Credentials> {
    let c = parse_fields(value)?;
    (!c.nonce.is_empty()).then_some(c)
}

/// The answer to a challenge, as Switchboard sends it to a carrier that challenges it: the
/// first algorithm it knows, `qop=auth` when offered.
pub fn answer(
    challenge: &Credentials,
    method: &str,
    uri: &str,
    username: &str,
    password: &str,
    cnonce: &str,
) -> Option<String> {
    let alg = match challenge.algorithm.as_deref() {
        None => Algorithm::Md5,
        Some(a) => Algorithm::from_name(a)?,
    };
    let qop = challenge
        .qop
        .as_deref()
        .filter(|q| q.split(',').any(|x| x.trim() == "auth"))
        .map(|_| "auth".to_owned());
    let mut c = Credentials {
        username: username.to_owned(),
        realm: challenge.realm.clone(),
        nonce: challenge.nonce.clone(),
        uri: uri.to_owned(),
        algorithm: challenge.algorithm.clone(),
        nc: qop.as_ref().map(|_| "00000001".to_owned()),
        cnonce: qop.as_ref().map(|_| cnonce.to_owned()),
        qop,
        opaque: challenge.opaque.clone(),
        response: String::new(),
    };
    let h = ha1(alg, username, &c.realm, password);
    c.response = response(alg, &h, method, &c);
    let mut out = format!(
        "Digest username=\"{}\", realm=\"{}\", nonce=\"{}\", uri=\"{}\", response=\"{}\", algorithm={}",
        c.username,
        c.realm,
        c.nonce,
        c.uri,
        c.response,
        alg.name()
    );
    if let (Some(qop), Some(nc), Some(cnonce)) = (&c.qop, &c.nc, &c.cnonce) {
        out.push_str(&format!(", qop={qop}, nc={nc}, cnonce=\"{cnonce}\""));
    }
    if let Some(o) = &c.opaque {
        out.push_str(&format!(", opaque=\"{o}\""));
    }
    Some(out)
}

fn parse_fields(value: &str) -> Option<Credentials> {
    let rest = value.trim_start();
    let (scheme, params) = rest.split_once(char::is_whitespace)?;
    if !scheme.eq_ignore_ascii_case("digest") {
        return None;
    }
    let mut c = Credentials::default();
    let mut chars = params.chars().peekable();
    loop {
        while chars
            .peek()
            .is_some_and(|ch| ch.is_whitespace() || *ch == ',')
        {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let key: String = chars
            .by_ref()
            .take_while(|ch| *ch != '=')
            .collect::<String>()
            .trim()
            .to_ascii_lowercase();
        let mut val = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            let mut closed = false;
            while let Some(ch) = chars.next() {
                match ch {
                    '\\' => val.push(chars.next()?),
                    '"' => {
                        closed = true;
                        break;
                    }
                    other => val.push(other),
                }
            }
            if !closed {
                return None;
            }
        } else {
            while let Some(ch) = chars.peek() {
                if *ch == ',' {
                    break;
                }
                val.push(*ch);
                chars.next();
            }
            val = val.trim().to_owned();
        }
        match key.as_str() {
            "username" => c.username = val,
            "realm" => c.realm = val,
            "nonce" => c.nonce = val,
            "uri" => c.uri = val,
            "response" => c.response = val,
            "algorithm" => c.algorithm = Some(val),
            "qop" => c.qop = Some(val),
            "nc" => c.nc = Some(val),
            "cnonce" => c.cnonce = Some(val),
            "opaque" => c.opaque = Some(val),
            _ => {}
        }
    }
    Some(c)
}

/// A challenge header value (WWW-Authenticate or Proxy-Authenticate).
pub fn challenge(alg: Algorithm, realm: &str, nonce: &str, stale: bool) -> String {
    let stale = if stale { ", stale=true" } else { "" };
    format!(
        "Digest realm=\"{realm}\", nonce=\"{nonce}\", algorithm={}, qop=\"auth\"{stale}",
        alg.name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_answer_to_a_challenge_verifies_as_the_registrar_checks_it() {
        for alg in [Algorithm::Md5, Algorithm::Sha256] {
            let ch = parse_challenge(&challenge(alg, "carrier.test", "abc123", false))
                .unwrap_or_default();
            let a = answer(
                &ch,
                "INVITE",
                "sip:+15551234@192.0.2.1:5060",
                "acme",
                "pw",
                "c0ffee",
            )
            .unwrap_or_default();
            let creds = parse_credentials(&a).unwrap_or_default();
            assert_eq!(creds.qop.as_deref(), Some("auth"));
            let expected = response(
                alg,
                &ha1(alg, "acme", "carrier.test", "pw"),
                "INVITE",
                &creds,
            );
            assert!(same(&expected, &creds.response));
        }
        assert_eq!(
            answer(
                &Credentials {
                    nonce: "n".into(),
                    algorithm: Some("MD5-sess-x".into()),
                    ..Credentials::default()
                },
                "INVITE",
                "sip:x",
                "u",
                "p",
                "c"
            ),
            None,
            "an unknown algorithm gets no answer"
        );
    }

    #[test]
    fn md5_matches_the_rfc_2617_example() {
        let c = Credentials {
            username: "Mufasa".into(),
            realm: "testrealm@host.com".into(),
            nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093".into(),
            uri: "/dir/index.html".into(),
            qop: Some("auth".into()),
            nc: Some("00000001".into()),
            cnonce: Some("0a4f113b".into()),
            ..Default::default()
        };
        let h = ha1(
            Algorithm::Md5,
            "Mufasa",
            "testrealm@host.com",
            "Circle Of Life",
        );
        assert_eq!(
            response(Algorithm::Md5, &h, "GET", &c),
            "6629fae49393a05397450978507c4ef1"
        );
    }

    #[test]
    fn sha256_matches_the_rfc_7616_example() {
        let c = Credentials {
            username: "Mufasa".into(),
            realm: "http-auth@example.org".into(),
            nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v".into(),
            uri: "/dir/index.html".into(),
            qop: Some("auth".into()),
            nc: Some("00000001".into()),
            cnonce: Some("f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ".into()),
            ..Default::default()
        };
        let h = ha1(
            Algorithm::Sha256,
            "Mufasa",
            "http-auth@example.org",
            "Circle of Life",
        );
        assert_eq!(
            response(Algorithm::Sha256, &h, "GET", &c),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
    }

    #[test]
    fn credentials_parse_with_quotes_commas_and_case() {
        let v = r#"Digest username="201", realm="acme.sip.test", nonce="abc,def", uri="sip:acme.sip.test", response="0123", algorithm=MD5, qop=auth, nc=00000001, cnonce="x\"y""#;
        let c = parse_credentials(v).unwrap();
        assert_eq!(
            (c.username.as_str(), c.nonce.as_str(), c.cnonce.as_deref()),
            ("201", "abc,def", Some("x\"y"))
        );
        assert_eq!(c.nc.as_deref(), Some("00000001"));
        assert!(parse_credentials("Basic abc").is_none());
        assert!(parse_credentials(r#"Digest username="201", nonce="unterminated"#).is_none());
        assert!(
            parse_credentials(r#"Digest username="201""#).is_none(),
            "required fields missing"
        );
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
        assert!(challenge(Algorithm::Sha256, "r", "n", true).ends_with("stale=true"));
    }

    proptest::proptest! {
        #[test]
        fn credential_parsing_never_panics(s in "\\PC{0,200}") {
            let _ = parse_credentials(&s);
            let _ = parse_credentials(&format!("Digest {s}"));
        }
    }
}
