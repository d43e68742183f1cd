package dev.mldeploy;


/** No target (or not the target asked for) can hold the model; {@link #decision()} has every reason. */
public class PlacementException extends MlDeployException {
    private static final long serialVersionUID = 1L;
    private final transient PlacementDecision decision;

    public PlacementException(String message, PlacementDecision decision) {
        super(message);
        this.decision = decision;
    }

    public PlacementDecision decision() {
        return decision;
    }
}
