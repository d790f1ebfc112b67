//! What a console user may see at record level: every agency (an admin), or one agency's
//! (a coordinator). Every record-level query takes a [`Scope`] and filters by it in SQL,
//! so a coordinator's page can never hold another agency's rows.

use super::accounts::{Role, SessionUser};

/// The records a user reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every agency's (admins).
    All,
    /// Only this agency's (its coordinators).
    Agency(String),
}

impl Scope {
    /// The scope of a signed-in user. A coordinator without an agency (the table's rules
    /// do not allow one) reaches nothing rather than everything.
    pub fn of(user: &SessionUser) -> Scope {
        match (user.role, &user.agency) {
            (Role::Admin, _) => Scope::All,
            (Role::Coordinator, Some(agency)) => Scope::Agency(agency.clone()),
            (Role::Coordinator, None) => Scope::Agency(String::new()),
        }
    }

    /// Whether a record of `agency` is in the scope.
    pub fn reaches(&self, agency: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Agency(own) => !own.is_empty() && own == agency,
        }
    }

    /// The agency to filter by in SQL (`?n IS NULL OR agency = ?n`): `None` for all.
    pub fn agency(&self) -> Option<&str> {
        match self {
            Scope::All => None,
            Scope::Agency(own) => Some(own),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::accounts::UserId;

    fn user(role: Role, agency: Option<&str>) -> SessionUser {
        SessionUser {
            user: UserId(1),
            email: "a@example.org".into(),
            role,
            agency: agency.map(str::to_owned),
            csrf: String::new(),
        }
    }

    #[test]
    fn an_admin_reaches_every_agency_and_a_coordinator_only_theirs() {
        let admin = Scope::of(&user(Role::Admin, None));
        assert!(admin.reaches("met-police") && admin.agency().is_none());
        let coordinator = Scope::of(&user(Role::Coordinator, Some("hackney-council")));
        assert!(coordinator.reaches("hackney-council"));
        assert!(!coordinator.reaches("met-police"));
        assert_eq!(coordinator.agency(), Some("hackney-council"));
        let broken = Scope::of(&user(Role::Coordinator, None));
        assert!(!broken.reaches("hackney-council") && !broken.reaches(""));
    }
}
