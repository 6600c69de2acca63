/// The AWS limits an event must respect to be accepted (identity-center-facts.md). Checked where events
/// enter a log from outside (import) and where scenarios are read.
public enum ServiceLimits {
    /// A permission set's inline policy, in bytes.
    public static let inlinePolicyBytes = 32_768
    /// A service control policy, in characters.
    public static let scpCharacters = 5_120

    /// Why the event breaks a limit, naming the field; nil when it does not.
    public static func violation(_ body: EventBody) -> String? {
        switch body {
        case .putInlinePolicyToPermissionSet(let p) where p.inlinePolicy.utf8.count > inlinePolicyBytes:
            return "field payload.inlinePolicy: \(p.inlinePolicy.utf8.count) bytes; Identity Center allows \(inlinePolicyBytes)"
        case .createServiceControlPolicy(let p) where p.content.count > scpCharacters:
            return "field payload.content: \(p.content.count) characters; an SCP may have \(scpCharacters)"
        default:
            return nil
        }
    }
}
