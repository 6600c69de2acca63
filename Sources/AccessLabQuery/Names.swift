import AccessLabEvents
import AccessLabProjections

/// Users and accounts as people name them: a user by id, user name or email (case does not matter),
/// an account by its 12-digit id or its name. Every command that takes `--user` or `--account` resolves
/// through here, so they all accept the same names.
public enum Names {
    /// The user id `text` names in `state`; an error that says what is known when it names none, or several.
    public static func userId(_ text: String, in state: AccessState) throws(QueryError) -> String {
        if state.identityCenter.users[text] != nil || state.idp.users[text] != nil || state.credentialsByUser[text] != nil { return text }
        let wanted = text.lowercased()
        var found = Set<String>()
        for directory in [state.identityCenter, state.idp] {
            for (id, user) in directory.users where user.attributes.userName.lowercased() == wanted || user.attributes.email.lowercased() == wanted {
                found.insert(id)
            }
        }
        if found.count == 1, let id = found.first { return id }
        if found.count > 1 { throw QueryError("'\(text)' names \(found.count) users (\(found.sorted().joined(separator: ", "))); give the user id") }
        throw QueryError("no user '\(text)' (by id, user name or email) in Identity Center or the IdP")
    }

    /// The account id `text` names: the id itself or an account's name.
    public static func accountId(_ text: String, in state: AccessState) throws(QueryError) -> String {
        if state.organization.accounts[text] != nil { return text }
        let matches = state.organization.accounts.values.filter { $0.name.lowercased() == text.lowercased() }.map(\.accountId).sorted()
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 { throw QueryError("'\(text)' names \(matches.count) accounts (\(matches.joined(separator: ", "))); give the account id") }
        throw QueryError("no account '\(text)' (by id or name) in the organization")
    }

    /// The user name to show beside an id (`alice@example.com`), nil when the directory has none.
    public static func userName(_ userId: String, in state: AccessState) -> String? {
        (state.identityCenter.users[userId] ?? state.idp.users[userId])?.attributes.userName
    }

    /// `u00002 (u00002@example.com)`, or the id alone when no name is known.
    public static func label(user userId: String, in state: AccessState) -> String {
        userName(userId, in: state).map { "\(userId) (\($0))" } ?? userId
    }
}
