//! The live preview's site (`generator serve`) edit by edit, without the server: an orderer's
//! page is served before the lists, a broken edit changes nothing served and stays reported
//! until mended, a new file is a new page, a removed one is gone, a template edit rebuilds all.

use std::path::PathBuf;

use generator::preview::Preview;

use crate::util::{Scratch, FLYERS};

const SAIKI: &str = "content/municipalities/saiki-shi.yaml";

fn page(preview: &Preview, path: &str) -> String {
    String::from_utf8(preview.files().get(path).expect(path).to_vec()).unwrap()
}

#[test]
fn an_orderers_edit_serves_its_page_first_then_the_lists_and_a_broken_one_keeps_the_last_good_site() {
    let scratch = Scratch::of(FLYERS);
    let mut preview = Preview::start(scratch.options("2026-11-23")).unwrap();
    let before_index = page(&preview, "index.html");
    assert!(page(&preview, "saiki-shi/index.html").contains("佐伯市"));

    // Renamed into another real city (a name must be in the national code list, its code too).
    scratch.edit(SAIKI, "name: 佐伯市", "name: 臼杵市");
    scratch.edit(SAIKI, "code: \"442054\"", "code: \"442062\"");
    let mut served_first = Vec::new();
    let files = preview.files();
    let update = preview
        .update(&[scratch.path(SAIKI)], &mut |pages| {
            // When the page is announced it is served, and the index is not yet rendered.
            served_first = pages.to_vec();
            let page = String::from_utf8(files.get("saiki-shi/index.html").unwrap().to_vec()).unwrap();
            assert!(page.contains("臼杵市"));
            let index = String::from_utf8(files.get("index.html").unwrap().to_vec()).unwrap();
            assert!(!index.contains("臼杵市"));
        })
        .unwrap();
    assert_eq!(served_first, vec!["/saiki-shi/".to_string()]);
    assert!(!update.everything);
    assert!(update.lists.contains(&"/".to_string()) && update.lists.contains(&"/feed.xml".to_string()));
    assert!(page(&preview, "index.html").contains("臼杵市"));
    assert_ne!(page(&preview, "index.html"), before_index);

    // Broken: reported with its place, nothing served changes, and reported again on another
    // file's edit until it is mended.
    let good = page(&preview, "saiki-shi/index.html");
    scratch.edit(SAIKI, "code: \"442062\"", "code: \"442063\"");
    let errors = preview
        .update(&[scratch.path(SAIKI)], &mut |_| panic!("nothing is served"))
        .unwrap_err();
    assert_eq!(errors.len(), 1, "{errors}");
    assert_eq!(errors.0[0].file, scratch.path(SAIKI));
    assert!(errors.0[0].line.is_some(), "{errors}");
    assert_eq!(page(&preview, "saiki-shi/index.html"), good);
    let ashiya = scratch.path("content/municipalities/ashiya-machi.yaml");
    assert!(preview.update(std::slice::from_ref(&ashiya), &mut |_| {}).is_err());
    scratch.edit(SAIKI, "code: \"442063\"", "code: \"442062\"");
    let update = preview.update(&[scratch.path(SAIKI)], &mut |_| {}).unwrap();
    assert!(update.pages.contains(&"/saiki-shi/".to_string()), "{update:?}");

    // A copy under another name is a duplicate: refused, as a full build refuses it.
    let copy = scratch.path("content/municipalities/saiki-copy.yaml");
    std::fs::copy(scratch.path(SAIKI), &copy).unwrap();
    let errors = preview.update(std::slice::from_ref(&copy), &mut |_| {}).unwrap_err();
    assert!(errors.to_string().contains("ファイルが二つあります"), "{errors}");
    // Renamed into another orderer, it is a new page; removed, its page is gone.
    scratch.edit("content/municipalities/saiki-copy.yaml", "name: 臼杵市", "name: 別府市");
    scratch.edit(
        "content/municipalities/saiki-copy.yaml",
        "code: \"442062\"",
        "code: \"442020\"",
    );
    let update = preview.update(std::slice::from_ref(&copy), &mut |_| {}).unwrap();
    assert_eq!(update.pages, vec!["/saiki-copy/".to_string()]);
    assert!(page(&preview, "saiki-copy/index.html").contains("別府市"));
    std::fs::remove_file(&copy).unwrap();
    preview.update(&[copy], &mut |_| {}).unwrap();
    assert!(preview.files().get("saiki-copy/index.html").is_none());
    assert!(!page(&preview, "index.html").contains("別府市"));
}

#[test]
fn a_template_edit_rebuilds_the_whole_site_and_a_broken_template_keeps_the_last_good_one() {
    let scratch = Scratch::of(FLYERS);
    let mut preview = Preview::start(scratch.options("2026-11-23")).unwrap();
    let template: PathBuf = scratch.path("templates/orderer.html");
    let text = std::fs::read_to_string(&template).unwrap();
    std::fs::write(
        &template,
        text.replacen("{% endblock %}", "試験の一文{% endblock %}", 1),
    )
    .unwrap();
    let update = preview
        .update(std::slice::from_ref(&template), &mut |_| panic!("no page first"))
        .unwrap();
    assert!(update.everything);
    assert!(page(&preview, "ashiya-machi/index.html").contains("試験の一文"));
    std::fs::write(&template, "{% if %}").unwrap();
    let errors = preview
        .update(std::slice::from_ref(&template), &mut |_| {})
        .unwrap_err();
    assert!(errors.to_string().contains("templates/orderer.html"), "{errors}");
    assert!(page(&preview, "ashiya-machi/index.html").contains("試験の一文"));
    // Still broken, an orderer's edit reports the template again.
    let errors = preview
        .update(&[scratch.path(SAIKI)], &mut |_| panic!("nothing is served"))
        .unwrap_err();
    assert!(errors.to_string().contains("templates/orderer.html"), "{errors}");
}

#[test]
fn the_verify_site_is_served_under_verify_and_a_verify_template_edit_rebuilds_it() {
    let scratch = Scratch::of(FLYERS);
    let mut preview = Preview::start(scratch.options("2026-11-23")).unwrap();
    let verify_page = page(&preview, "verify/index.html");
    assert!(verify_page.contains("api/verify"), "{verify_page}");
    assert!(preview.files().get("verify/verify.js").is_some());
    assert!(preview.files().get("verify/404.html").is_some());
    let template: PathBuf = scratch.path("templates/verify.html");
    let text = std::fs::read_to_string(&template).unwrap();
    std::fs::write(
        &template,
        text.replacen("{% endblock %}", "確認の試験{% endblock %}", 1),
    )
    .unwrap();
    let update = preview
        .update(std::slice::from_ref(&template), &mut |_| panic!("no page first"))
        .unwrap();
    assert!(update.everything);
    assert!(page(&preview, "verify/index.html").contains("確認の試験"));
}
