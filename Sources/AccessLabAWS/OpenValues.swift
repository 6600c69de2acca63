/// The values of the objects or arrays a reader has open, innermost last, in memory of its own. When one
/// closes, its values are moved out into an array of exactly their number: nothing is grown, copied or
/// destroyed on the way (an `Array` used as the stack cost a retain, a release and a destroy per value).
final class OpenValues<Element> {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 256) {
        base = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    func push(_ value: consuming Element) {
        if count == capacity {
            let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
            larger.moveInitialize(from: base, count: count)
            base.deallocate()
            base = larger
            capacity *= 2
        }
        (base + count).initialize(to: value)
        count += 1
    }

    /// The values from `first` on, in order, moved out; the stack keeps those below.
    func close(from first: Int) -> [Element] {
        let n = count - first
        guard n > 0 else { return [] }
        let source = base + first
        count = first
        return [Element](unsafeUninitializedCapacity: n) { buffer, initialized in
            buffer.baseAddress?.moveInitialize(from: source, count: n)
            initialized = n
        }
    }

    /// Drops the values from `first` on (a value that did not finish: the text broke off inside it).
    func abandon(from first: Int) {
        guard count > first else { return }
        (base + first).deinitialize(count: count - first)
        count = first
    }
}
