/// Why a CSV input was refused as a whole. Every message says where (line numbers count from 1, as a text editor
/// shows them) and what to do.
public enum CSVReadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Nothing but, perhaps, a byte order mark and blank lines.
    case empty
    /// More bytes than the limit.
    case tooLarge(limit: Int)
    /// A NUL byte: a binary file, or UTF-16 without its byte order mark.
    case binary
    /// Not UTF-8, and not readable as Windows-1252 or as UTF-16 with a byte order mark.
    case undecodable
    /// A quoted field still open at the end of the input.
    case unterminatedQuote(line: Int)
    /// Something other than a delimiter or a line end right after a field's closing quote (`"abc"def`).
    case textAfterClosingQuote(line: Int)
    /// A `"` inside a field that does not start with one (`5" screen`).
    case quoteInUnquotedField(line: Int)
    /// More records than the limit.
    case tooManyRecords(limit: Int)
    /// A record with more fields than the limit.
    case tooManyFields(line: Int, limit: Int)
    /// A field longer than the limit, in bytes.
    case fieldTooLong(line: Int, limit: Int)

    /// A stable code for API answers and logs.
    public var code: String {
        switch self {
        case .empty: "csv_empty"
        case .tooLarge: "csv_too_large"
        case .binary: "csv_binary"
        case .undecodable: "csv_undecodable"
        case .unterminatedQuote: "csv_unterminated_quote"
        case .textAfterClosingQuote: "csv_text_after_quote"
        case .quoteInUnquotedField: "csv_stray_quote"
        case .tooManyRecords: "csv_too_many_rows"
        case .tooManyFields: "csv_too_many_columns"
        case .fieldTooLong: "csv_field_too_long"
        }
    }

    /// The line the problem is on, when there is one.
    public var line: Int? {
        switch self {
        case .unterminatedQuote(let line), .textAfterClosingQuote(let line), .quoteInUnquotedField(let line),
            .tooManyFields(let line, _), .fieldTooLong(let line, _):
            line
        default:
            nil
        }
    }

    /// What was wrong and what to send instead.
    public var description: String {
        switch self {
        case .empty:
            "The file is empty: send a header line and at least one row."
        case .tooLarge(let limit):
            "The file is larger than \(limit / (1 << 20)) MiB; split it into several imports."
        case .binary:
            "The file holds NUL bytes: it is not text. Save it from the spreadsheet as “CSV UTF-8”."
        case .undecodable:
            "The file's characters cannot be read; save it from the spreadsheet as “CSV UTF-8”."
        case .unterminatedQuote(let line):
            "Line \(line): a quoted field is never closed; add the missing \" or remove the opening one."
        case .textAfterClosingQuote(let line):
            "Line \(line): text follows a field's closing quote; quote the whole field, writing \"\" for a quote inside."
        case .quoteInUnquotedField(let line):
            "Line \(line): a \" inside a field that is not quoted; quote the whole field, writing \"\" for the quote."
        case .tooManyRecords(let limit):
            "The file has more than \(limit - 1) rows; split it into several imports."
        case .tooManyFields(let line, let limit):
            "Line \(line) has more than \(limit) columns."
        case .fieldTooLong(let line, let limit):
            "Line \(line): a field is longer than \(limit / 1024) KiB."
        }
    }
}
