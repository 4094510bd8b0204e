import ParcCore

extension InventoryEnvironment {
    /// Reads a file for a collector. A missing file gives nil without a note (the collector knows whether that is
    /// news); a root-only file gives a ``CollectorNote/Reason/needsRoot`` note when the agent is not root, and any
    /// other failure an ``CollectorNote/Reason/unreadable`` one.
    func read(_ path: String, for collector: String, notes: inout [CollectorNote], limit: Int = 1 << 16) -> [UInt8]? {
        var bytes: [UInt8] = []
        let done = stream(path, for: collector, notes: &notes, limit: limit) { bytes.append(contentsOf: $0) }
        return done ? bytes : nil
    }

    /// ``read(_:for:notes:limit:)`` piece by piece (``SystemFiles/stream(_:limit:_:)``); whether the whole file
    /// was read.
    func stream(
        _ path: String, for collector: String, notes: inout [CollectorNote], limit: Int,
        _ body: (UnsafeRawBufferPointer) -> Void
    ) -> Bool {
        switch files.stream(path, limit: limit, body) {
        case nil:
            return true
        case .missing:
            return false
        case .denied where !isRoot:
            notes.append(.init(collector: collector, reason: .needsRoot, message: "could not read \(path) (needs root)"))
        case .denied:
            notes.append(
                .init(collector: collector, reason: .unreadable, message: "could not read \(path) (permission denied)"))
        case .failed(let problem):
            notes.append(.init(collector: collector, reason: .unreadable, message: "could not read \(path) (\(problem))"))
        }
        return false
    }

    /// ``read(_:for:notes:limit:)`` as text (invalid UTF-8 replaced).
    func text(_ path: String, for collector: String, notes: inout [CollectorNote], limit: Int = 1 << 16) -> String? {
        read(path, for: collector, notes: &notes, limit: limit).map { String(decoding: $0, as: UTF8.self) }
    }

    /// ``read(_:for:notes:limit:)`` as one cleaned value, what a sysfs attribute holds.
    func value(_ path: String, for collector: String, notes: inout [CollectorNote]) -> String? {
        read(path, for: collector, notes: &notes).flatMap { InventoryText.clean(bytes: $0) }
    }
}

extension InventoryReport {
    /// Changes the `hardware` section, creating it when absent: several collectors each fill some of its fields.
    mutating func updateHardware(_ change: (inout Hardware) -> Void) {
        var hardware = self.hardware ?? Hardware()
        change(&hardware)
        self.hardware = hardware
    }
}
