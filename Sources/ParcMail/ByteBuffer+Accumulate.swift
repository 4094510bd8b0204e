import NIOCore

extension Optional where Wrapped == ByteBuffer {
    /// Appends bytes read from the network to what is left of earlier reads; the first read is kept as it is.
    mutating func accumulate(_ incoming: ByteBuffer) {
        var incoming = incoming
        if self == nil {
            self = incoming
        } else {
            self!.writeBuffer(&incoming)
        }
    }
}
