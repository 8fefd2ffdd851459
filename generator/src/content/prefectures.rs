//! The 47 prefectures as the site's pages name them: each one's page is `/<romaji>/`, so these
//! names are reserved and no orderer's file may take one; and each one's tile on the index's
//! map of Japan (column and row of a grid, JIS order as in [`super::PREFECTURES`]).

/// The romaji of each prefecture in JIS order (北海道 = `hokkaido`): the path of its page.
pub const PREFECTURE_SLUGS: [&str; 47] = [
    "hokkaido",
    "aomori",
    "iwate",
    "miyagi",
    "akita",
    "yamagata",
    "fukushima",
    "ibaraki",
    "tochigi",
    "gunma",
    "saitama",
    "chiba",
    "tokyo",
    "kanagawa",
    "niigata",
    "toyama",
    "ishikawa",
    "fukui",
    "yamanashi",
    "nagano",
    "gifu",
    "shizuoka",
    "aichi",
    "mie",
    "shiga",
    "kyoto",
    "osaka",
    "hyogo",
    "nara",
    "wakayama",
    "tottori",
    "shimane",
    "okayama",
    "hiroshima",
    "yamaguchi",
    "tokushima",
    "kagawa",
    "ehime",
    "kochi",
    "fukuoka",
    "saga",
    "nagasaki",
    "kumamoto",
    "oita",
    "miyazaki",
    "kagoshima",
    "okinawa",
];

/// Each prefecture's tile on the index's map, in JIS order: (column, row) of a 12 × 12 grid,
/// north-east at the top right, 沖縄県 apart at the bottom left — the shape readers know from
/// the weather map, one equal tile per prefecture so that a small one is as easy to tap.
pub const TILES: [(u8, u8); 47] = [
    (11, 0), // 北海道
    (11, 1), // 青森県
    (11, 2), // 岩手県
    (11, 3), // 宮城県
    (10, 2), // 秋田県
    (10, 3), // 山形県
    (11, 4), // 福島県
    (10, 5), // 茨城県
    (10, 4), // 栃木県
    (9, 4),  // 群馬県
    (9, 5),  // 埼玉県
    (10, 6), // 千葉県
    (9, 6),  // 東京都
    (8, 6),  // 神奈川県
    (9, 3),  // 新潟県
    (8, 3),  // 富山県
    (7, 3),  // 石川県
    (6, 4),  // 福井県
    (8, 5),  // 山梨県
    (8, 4),  // 長野県
    (7, 4),  // 岐阜県
    (7, 6),  // 静岡県
    (7, 5),  // 愛知県
    (6, 6),  // 三重県
    (6, 5),  // 滋賀県
    (5, 5),  // 京都府
    (4, 6),  // 大阪府
    (4, 5),  // 兵庫県
    (5, 6),  // 奈良県
    (5, 7),  // 和歌山県
    (3, 5),  // 鳥取県
    (2, 5),  // 島根県
    (3, 6),  // 岡山県
    (2, 6),  // 広島県
    (1, 6),  // 山口県
    (4, 8),  // 徳島県
    (4, 7),  // 香川県
    (3, 7),  // 愛媛県
    (3, 8),  // 高知県
    (1, 7),  // 福岡県
    (0, 7),  // 佐賀県
    (0, 8),  // 長崎県
    (1, 8),  // 熊本県
    (2, 8),  // 大分県
    (1, 9),  // 宮崎県
    (0, 9),  // 鹿児島県
    (0, 11), // 沖縄県
];

/// The prefecture whose page is at `slug`, by its number (1–47).
pub fn prefecture_of_slug(slug: &str) -> Option<u32> {
    PREFECTURE_SLUGS.iter().position(|s| *s == slug).map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_prefecture_has_its_own_slug_and_tile() {
        let mut slugs = PREFECTURE_SLUGS.to_vec();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), 47);
        let mut tiles = TILES.to_vec();
        tiles.sort();
        tiles.dedup();
        assert_eq!(tiles.len(), 47, "two prefectures on one tile");
        assert!(TILES.iter().all(|&(column, row)| column < 12 && row < 12));
        assert_eq!(prefecture_of_slug("fukuoka"), Some(40));
        assert_eq!(prefecture_of_slug("fukuoka-ken"), None);
    }
}
