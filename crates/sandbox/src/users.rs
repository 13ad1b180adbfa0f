//! The sandbox's test users: every served provider knows the same people.

/// A resource owner who can log in on the sandbox's consent pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestUser {
    /// Login name typed on the consent page.
    pub username: &'static str,
    /// Password typed on the consent page (test data, not a secret).
    pub password: &'static str,
    /// The numeric id the APIs report.
    pub user_id: u64,
    /// The name the APIs report.
    pub display_name: &'static str,
}

/// Every test user; the first one is who `--auto-approve` approves as.
pub const TEST_USERS: [TestUser; 2] = [
    TestUser {
        username: "alice",
        password: "wonderland",
        user_id: 26_345_682,
        display_name: "Alice Runner",
    },
    TestUser {
        username: "bob",
        password: "builder",
        user_id: 1_001,
        display_name: "Bob Cyclist",
    },
];

/// The user with these credentials, if any.
pub(crate) fn login(username: &str, password: &str) -> Option<&'static TestUser> {
    TEST_USERS
        .iter()
        .find(|u| u.username == username && u.password == password)
}

/// The user with this id, if any.
pub(crate) fn by_id(user_id: u64) -> Option<&'static TestUser> {
    TEST_USERS.iter().find(|u| u.user_id == user_id)
}
