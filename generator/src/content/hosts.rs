//! Where a source may live: the orderer's own page, never a copy of it — a search engine's
//! cache (webcache.googleusercontent.com, cc.bingj.com, *.cache.yimg.jp), an archive
//! (web.archive.org, archive.ph) or a page of a city's site re-hosted under another domain
//! (`www-city-shimonoseki-lg-jp.cache.yimg.jp`). A copy is refused with a hint at the original.

/// Hosts, or host suffixes, that serve copies of other sites' pages.
const COPY_HOSTS: &[&str] = &[
    "webcache.googleusercontent.com",
    "cc.bingj.com",
    "cache.yimg.jp",
    "cache.yahoofs.jp",
    "translate.goog",
    "web.archive.org",
    "archive.org",
    "archive.ph",
    "archive.today",
    "archive.is",
    "megalodon.jp",
];

/// Parts of a host's first label that spell a public body's own domain with dashes for dots
/// (how caches and proxies re-host a page: `www-city-shimonoseki-lg-jp`).
const DASHED_PUBLIC_DOMAINS: &[&str] = &["-lg-jp", "-go-jp", "www-city-", "www-town-", "www-vill-", "www-pref-"];

/// Why `url` is a copy rather than an orderer's own page, with the original's address when it
/// can be read from the copy's; `None` for an ordinary address.
pub fn copy_of_a_page(url: &str) -> Option<(String, String)> {
    let rest = url.split_once("://")?.1;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    let is_copy_host = COPY_HOSTS
        .iter()
        .any(|copy| host == *copy || host.ends_with(&format!(".{copy}")));
    let first = host.split('.').next().unwrap_or("");
    let dashed = DASHED_PUBLIC_DOMAINS.iter().any(|d| first.contains(d))
        && !(host.ends_with(".lg.jp") || host.ends_with(".go.jp"));
    if !is_copy_host && !dashed {
        return None;
    }
    let message = format!("「{url}」は発注者のページではなく、その写し（キャッシュ・アーカイブ・転載）のアドレスです");
    let hint = if dashed {
        format!(
            "元のページ（https://{}{path}）を開いて確かめ、そのアドレスを書いてください",
            first.replace('-', ".")
        )
    } else {
        "検索エンジンのキャッシュやアーカイブではなく、発注者自身のサイトにあるページのアドレスを書いてください"
            .to_string()
    };
    Some((message, hint))
}

#[cfg(test)]
mod tests {
    use super::copy_of_a_page;

    #[test]
    fn copies_are_named_and_the_original_is_read_from_a_dashed_host() {
        let (_, hint) =
            copy_of_a_page("https://www-city-shimonoseki-lg-jp.cache.yimg.jp/site/water/102343.html").unwrap();
        assert!(
            hint.contains("https://www.city.shimonoseki.lg.jp/site/water/102343.html"),
            "{hint}"
        );
        for url in [
            "https://webcache.googleusercontent.com/search?q=cache:x",
            "http://cc.bingj.com/cache.aspx?d=1",
            "https://web.archive.org/web/2024/https://www.city.arao.lg.jp/",
            "https://www-city-arao-lg-jp.translate.goog/x",
        ] {
            assert!(copy_of_a_page(url).is_some(), "{url}");
        }
        for url in [
            "https://www.city.shimonoseki.lg.jp/site/water/102343.html",
            "https://east.tottori.tottori.jp/dd.aspx?moduleid=2813",
            "https://www.pref.fukuoka.lg.jp/contents/denshihosyo.html",
        ] {
            assert!(copy_of_a_page(url).is_none(), "{url}");
        }
    }
}
