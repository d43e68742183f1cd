package dev.mldeploy.sagemaker;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.Tag;
import software.amazon.awssdk.services.sagemaker.model.UpdateEndpointRequest;
import software.amazon.awssdk.services.sagemaker.model.UpdateEndpointResponse;

/**
 * For the integration tests: moto answers UpdateEndpoint with HTTP 500, so this client plays it with calls moto
 * does serve: the endpoint is deleted and created again on the new config with its tags (moto's endpoints are
 * InService at once). Every other call goes to moto unchanged. What SageMaker itself does on an update (Updating,
 * a failed update rolling back) is covered by the mocked-client tests.
 */
final class UpdateEndpointEmulation {
    private UpdateEndpointEmulation() {
    }

    static SageMakerClient wrap(SageMakerClient moto) {
        return (SageMakerClient) Proxy.newProxyInstance(SageMakerClient.class.getClassLoader(),
                new Class<?>[] {SageMakerClient.class}, (proxy, method, args) -> {
                    if (method.getName().equals("updateEndpoint") && args != null && args.length == 1) {
                        UpdateEndpointRequest r;
                        if (args[0] instanceof UpdateEndpointRequest given) {
                            r = given;
                        } else {
                            UpdateEndpointRequest.Builder b = UpdateEndpointRequest.builder();
                            @SuppressWarnings("unchecked")
                            Consumer<UpdateEndpointRequest.Builder> edit = (Consumer<UpdateEndpointRequest.Builder>) args[0];
                            edit.accept(b);
                            r = b.build();
                        }
                        return update(moto, r);
                    }
                    try {
                        return method.invoke(moto, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static UpdateEndpointResponse update(SageMakerClient moto, UpdateEndpointRequest r) {
        String arn = moto.describeEndpoint(b -> b.endpointName(r.endpointName())).endpointArn();
        // moto's AddTags appends rather than replaces: keep each key once, its last value, as SageMaker would
        java.util.Map<String, Tag> byKey = new java.util.LinkedHashMap<>();
        moto.listTags(b -> b.resourceArn(arn)).tags().forEach(t -> byKey.put(t.key(), t));
        java.util.List<Tag> tags = java.util.List.copyOf(byKey.values());
        moto.deleteEndpoint(b -> b.endpointName(r.endpointName()));
        String made = moto.createEndpoint(b -> b.endpointName(r.endpointName())
                .endpointConfigName(r.endpointConfigName()).tags(tags)).endpointArn();
        return UpdateEndpointResponse.builder().endpointArn(made).build();
    }
}
