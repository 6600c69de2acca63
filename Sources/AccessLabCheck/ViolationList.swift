/// Invariant violations in the order found, kept to a readable number; the rest are only counted.
struct ViolationList {
    static let limit = 100
    private(set) var shown: [String] = []
    private(set) var total = 0

    mutating func add(seq: UInt64, user: String, _ what: String) {
        total += 1
        if shown.count < Self.limit { shown.append("seq \(seq), user \(user): \(what)") }
    }

    /// The messages, with a last line counting those left out.
    var messages: [String] {
        total > shown.count ? shown + ["... and \(total - shown.count) more violations"] : shown
    }
}
