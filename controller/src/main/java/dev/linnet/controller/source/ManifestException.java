package dev.linnet.controller.source;

/** A manifest file that does not parse; {@link #getMessage()} reads {@code file:line: reason}. */
final class ManifestException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String reason;

    ManifestException(String file, int line, String reason) {
        super(file + ':' + line + ": " + reason);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    String file() {
        return file;
    }

    /** 1-based line in the file where the problem is (the document's first line when unknown). */
    int line() {
        return line;
    }

    String reason() {
        return reason;
    }
}
