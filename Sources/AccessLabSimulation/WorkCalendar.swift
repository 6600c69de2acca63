import AccessLabEvents

/// Working days and hours in one fixed UTC offset (no time-zone database: daylight saving is not modelled).
public struct WorkCalendar: Sendable, Equatable {
    public var utcOffset_min = 0
    /// Weekdays worked, 0 = Monday ... 6 = Sunday.
    public var workingDays: Set<Int> = [0, 1, 2, 3, 4]
    /// Local working hours, minutes after midnight.
    public var workingHours: Range<Int> = 9 * 60 ..< 17 * 60
    public init() {}

    static let day_ms: Int64 = 86_400_000

    /// Index of the local day containing `t` (days since 1970-01-01 local).
    public func dayIndex(_ t: Instant) -> Int64 {
        (t.ms + Int64(utcOffset_min) * 60_000).floorDivided(by: Self.day_ms).quotient
    }

    /// The instant of local midnight starting day `day`.
    public func midnight(ofDay day: Int64) -> Instant {
        Instant(ms: day * Self.day_ms - Int64(utcOffset_min) * 60_000)
    }

    /// 0 = Monday; 1970-01-01 was a Thursday.
    public func weekday(ofDay day: Int64) -> Int { Int((day + 3).floorDivided(by: 7).remainder) }

    public func isWorkingDay(_ day: Int64) -> Bool { workingDays.contains(weekday(ofDay: day)) }

    /// The instant `minutes` after local midnight of `day`.
    public func instant(day: Int64, minutes: Int) -> Instant { midnight(ofDay: day) + .minutes(Int64(minutes)) }
}

