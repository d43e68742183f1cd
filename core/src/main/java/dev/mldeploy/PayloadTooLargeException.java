package dev.mldeploy;

/** A request body is over the target's limit; rejected before anything is sent. */
public class PayloadTooLargeException extends InvocationException {
    private static final long serialVersionUID = 1L;
    private final long sizeBytes;
    private final long limitBytes;

    public PayloadTooLargeException(String target, long sizeBytes, long limitBytes) {
        super("request body is " + sizeBytes + " bytes, over the " + limitBytes + "-byte limit of target "
                + target + "; send a smaller payload (or pass a reference such as an S3 URI) "
                + "or use SageMaker asynchronous inference for payloads up to 1 GB");
        this.sizeBytes = sizeBytes;
        this.limitBytes = limitBytes;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    public long limitBytes() {
        return limitBytes;
    }
}
