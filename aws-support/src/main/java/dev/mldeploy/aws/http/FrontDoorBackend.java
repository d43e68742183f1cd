package dev.mldeploy.aws.http;

import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.spi.DeployContext;
import java.util.List;

/**
 * What one target adds to the shared front door: the integration (and whatever lets API Gateway call it: a role, a
 * resource policy statement), and removing those again. Implementations find what they made from the deployment's
 * name alone, so undeploy removes it even when the API itself never got made.
 */
public interface FrontDoorBackend {
    /**
     * Makes what the integration needs and returns it; called once the API exists.
     *
     * @param apiId the REST API's id
     */
    Integration prepare(String apiId, CallBudget budget, DeployContext ctx);

    /**
     * Removes what {@link #prepare} made for the deployment (nothing when it made nothing).
     *
     * @return what it removed, for the caller's message
     */
    List<String> remove(CallBudget budget, DeployContext ctx);
}
