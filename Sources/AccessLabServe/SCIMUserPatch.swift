import AccessLabEvents
import Foundation

/// A SCIM PATCH operation on a user as the `PatchOperation`s the log keeps, in the paths the
/// projection applies (`UserAttributes.patchablePaths`). Paths Identity Center modifies but AccessLab
/// does not model give no operation; paths it refuses are errors.
enum SCIMUserPatch {
    static let workEmail = "emails[type eq \"work\"].value"

    static func enterprise(_ leaf: String) -> String { SCIMSchema.enterpriseUser + ":" + leaf }

    /// Identity Center keeps these; AccessLab's users do not carry them.
    static let notModelled: Set<String> = [
        "externalid", "nickname", "profileurl", "usertype", "preferredlanguage", "locale", "timezone", "addresses", "phonenumbers",
        "name.formatted", "name.middlename", "name.honorificprefix", "name.honorificsuffix",
        enterprise("employeeNumber").lowercased(), enterprise("organization").lowercased(),
    ]

    static func operations(_ op: SCIMOperation) throws(ServiceError) -> [PatchOperation] {
        guard let path = op.path else {
            guard let object = op.value as? [String: Any] else { throw ServiceError("invalidValue", "An operation without a path carries an object of attributes") }
            return try spread(op, object, prefix: "")
        }
        return try operations(op, path: path)
    }

    /// A path-less value (or a complex one) as one operation per attribute, in name order.
    private static func spread(_ op: SCIMOperation, _ object: [String: Any], prefix: String) throws(ServiceError) -> [PatchOperation] {
        var out: [PatchOperation] = []
        for (key, value) in object.sorted(by: { $0.key < $1.key }) where key.lowercased() != "schemas" {
            let lower = key.lowercased()
            if lower == SCIMSchema.enterpriseUser.lowercased(), let inner = value as? [String: Any] {
                out += try spread(op, inner, prefix: SCIMSchema.enterpriseUser + ":")
            } else if prefix.isEmpty, lower == "name", let inner = value as? [String: Any] {
                out += try spread(op, inner, prefix: "name.")
            } else {
                out += try operations(SCIMOperation(op: op.op, path: prefix + key, value: value), path: prefix + key)
            }
        }
        return out
    }

    private static func operations(_ op: SCIMOperation, path: String) throws(ServiceError) -> [PatchOperation] {
        let lower = path.lowercased()
        let remove = op.op == "remove"
        let kind: PatchOperation.Op = remove ? .remove : op.op == "add" ? .add : .replace
        let enterprisePrefix = SCIMSchema.enterpriseUser.lowercased() + ":"
        switch lower {
        case "active":
            if remove { throw ServiceError("mutability", "Identity Center does not support removing active") }
            return [PatchOperation(op: kind, path: "active", value: String(try bool(op.value, path)))]
        case "username":
            if remove { throw ServiceError("mutability", "Identity Center does not support removing userName") }
            return [PatchOperation(op: kind, path: "userName", value: try required(op.value, path))]
        case "displayname", "name.givenname", "name.familyname":
            if remove { throw ServiceError("invalidValue", "\(path) is required and cannot be removed") }
            let canonical = ["displayname": "displayName", "name.givenname": "name.givenName", "name.familyname": "name.familyName"][lower] ?? path
            return [PatchOperation(op: kind, path: canonical, value: try required(op.value, path))]
        case "name":
            if remove { throw ServiceError("invalidValue", "name is required and cannot be removed") }
            guard let object = op.value as? [String: Any] else { throw ServiceError("invalidValue", "name is a complex attribute") }
            return try spread(op, object, prefix: "name.")
        case "title":
            return [remove ? PatchOperation(op: .remove, path: "title") : PatchOperation(op: kind, path: "title", value: try string(op.value, path))]
        case "emails", "emails.value":
            // The projection sets the email only from a value, so a removal is the empty address.
            if remove { return [PatchOperation(op: .replace, path: workEmail, value: "")] }
            let address = lower == "emails" ? try email(op.value, primaryRequired: false) ?? "" : try string(op.value, path)
            return [PatchOperation(op: kind, path: workEmail, value: address)]
        case "id", "meta", "groups", "schemas":
            throw ServiceError("mutability", "\(path) cannot be modified")
        case "password", "ims", "photos", "x509certificates", "entitlements":
            throw ServiceError("invalidValue", "Identity Center does not support the \(path) attribute")
        case SCIMSchema.enterpriseUser.lowercased():
            if remove { return ["department", "costCenter", "division", "manager"].map { PatchOperation(op: .remove, path: enterprise($0)) } }
            guard let object = op.value as? [String: Any] else { throw ServiceError("invalidValue", "\(path) is a complex attribute") }
            return try spread(op, object, prefix: SCIMSchema.enterpriseUser + ":")
        default:
            if notModelled.contains(lower) || lower.hasPrefix("phonenumbers") || lower.hasPrefix("addresses") {
                return []
            }
            if lower.hasPrefix("emails["), lower.hasSuffix("].value") {
                return [PatchOperation(op: remove ? .replace : kind, path: workEmail, value: remove ? "" : try string(op.value, path))]
            }
            if lower.hasPrefix(enterprisePrefix) {
                return try enterpriseOperations(op, leaf: String(lower.dropFirst(enterprisePrefix.count)), kind: kind, path: path)
            }
            throw ServiceError("invalidPath", "Identity Center has no user attribute \(path) that can be modified")
        }
    }

    private static func enterpriseOperations(_ op: SCIMOperation, leaf: String, kind: PatchOperation.Op, path: String) throws(ServiceError) -> [PatchOperation] {
        let canonical: String
        switch leaf {
        case "department": canonical = enterprise("department")
        case "costcenter": canonical = enterprise("costCenter")
        case "division": canonical = enterprise("division")
        case "manager", "manager.value": canonical = enterprise("manager")
        case "employeenumber", "organization": return []
        default: throw ServiceError("invalidPath", "The enterprise extension has no attribute \(path)")
        }
        if kind == .remove { return [PatchOperation(op: .remove, path: canonical)] }
        if canonical.hasSuffix(":manager"), let object = op.value as? [String: Any] {
            return [PatchOperation(op: kind, path: canonical, value: try string(SCIMObject(object)["value"], "manager.value"))]
        }
        return [PatchOperation(op: kind, path: canonical, value: try string(op.value, path))]
    }

    // MARK: Values

    static func nonEmpty(_ value: Any?) -> String? {
        guard let s = value as? String, !s.isEmpty else { return nil }
        return s
    }

    static func string(_ value: Any?, _ path: String) throws(ServiceError) -> String {
        guard let s = value as? String else { throw ServiceError("invalidValue", "\(path) is a string") }
        return s
    }

    static func required(_ value: Any?, _ path: String) throws(ServiceError) -> String {
        guard let s = nonEmpty(value) else { throw ServiceError("invalidValue", "\(path) is required and cannot be empty") }
        return s
    }

    /// A boolean, or the strings `"True"`/`"False"` some IdPs send for one.
    static func bool(_ value: Any?, _ path: String) throws(ServiceError) -> Bool {
        if !(value is String), let b = value as? Bool { return b }
        switch (value as? String)?.lowercased() {
        case "true": return true
        case "false": return false
        default: throw ServiceError("invalidValue", "\(path) is a boolean")
        }
    }

    /// The one email Identity Center keeps: at most one value, marked primary when a user is created
    /// or replaced (its CreateUser and PutUser constraints).
    static func email(_ value: Any?, primaryRequired: Bool) throws(ServiceError) -> String? {
        guard let value, !(value is NSNull) else { return nil }
        let list = value as? [Any] ?? [value]
        guard list.count <= 1 else { throw ServiceError("invalidValue", "Identity Center keeps one email; \(list.count) were sent") }
        guard let first = list.first else { return nil }
        guard let object = first as? [String: Any], let address = SCIMObject(object)["value"] as? String else {
            throw ServiceError("invalidValue", "An email is an object with a value")
        }
        guard !primaryRequired || (SCIMObject(object)["primary"] as? Bool) == true else { throw ServiceError("invalidValue", "The email must be marked primary") }
        return address
    }
}
