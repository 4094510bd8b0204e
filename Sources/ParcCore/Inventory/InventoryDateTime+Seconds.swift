extension InventoryDateTime {
    /// The instant `seconds` after 1970-01-01 00:00:00 of the same wall clock: the inverse of
    /// ``secondsSinceEpoch``, for an agent that turns a local time (a boot time, a file's date) into a report's
    /// instant. Nil outside the years ``InventoryDate`` accepts (1900–2999).
    public init?(secondsSinceEpoch seconds: Int) {
        let (dayNumber, secondOfDay) = CivilCalendar.split(localSeconds: seconds)
        let day = CivilCalendar.date(dayNumber: dayNumber)
        guard let date = InventoryDate(year: day.year, month: day.month, day: day.day) else { return nil }
        self.init(date: date, hour: secondOfDay / 3_600, minute: secondOfDay / 60 % 60, second: secondOfDay % 60)
    }
}
