//! The rule that keeps someone able to manage accounts: the last active admin cannot be disabled or demoted.

use super::{AccountError, Role, User};

/// Whether `user` counts as an admin who can manage accounts now.
pub fn is_active_admin(user: &User) -> bool {
    user.role == Role::Admin && !user.disabled
}

/// Decides a change to one account from the number of active admins before it, and whether the change takes one
/// of them away (disabling or demoting an active admin). Without an active admin no one could manage accounts in
/// the browser, so the last one stays; the command line can still make another.
pub fn keep_an_admin(active_admins_before: u64, takes_an_admin_away: bool) -> Result<(), AccountError> {
    if takes_an_admin_away && active_admins_before <= 1 { Err(AccountError::LastAdmin) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_active_admin_stays() {
        assert_eq!(keep_an_admin(1, true), Err(AccountError::LastAdmin));
        assert_eq!(keep_an_admin(0, true), Err(AccountError::LastAdmin), "a count that is off never lets one go");
        assert_eq!(keep_an_admin(2, true), Ok(()), "one of two may go");
        assert_eq!(keep_an_admin(1, false), Ok(()), "a change that keeps the admin is no matter");
        assert_eq!(keep_an_admin(0, false), Ok(()), "without admins, other accounts still change");
    }
}
