extension String {
    /// The text with `%XX` sequences decoded when they form UTF-8, for comparing a link's text with its address.
    var removingPercentEncodingForDisplay: String {
        guard contains("%") else {
            return self
        }
        var bytes: [UInt8] = []
        let input = Array(utf8)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "%"), index + 2 < input.count,
                let high = TransferDecoding.hexValue(input[index + 1]),
                let low = TransferDecoding.hexValue(input[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? self
    }
}
