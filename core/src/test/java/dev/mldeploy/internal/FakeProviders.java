package dev.mldeploy.internal;

import dev.mldeploy.spi.Target;
import dev.mldeploy.spi.TargetContext;
import dev.mldeploy.spi.TargetProvider;

/** Providers for discovery tests, listed in a services file by {@link DefaultModelDeployerTest}. */
public final class FakeProviders {
    private FakeProviders() {
    }

    /** Named {@code dup}. */
    public static final class DupA implements TargetProvider {
        public DupA() {
        }

        @Override
        public String name() {
            return "dup";
        }

        @Override
        public String description() {
            return "first dup";
        }

        @Override
        public Target create(TargetContext context) {
            throw new AssertionError("not in this test");
        }
    }

    /** Also named {@code dup}. */
    public static final class DupB implements TargetProvider {
        public DupB() {
        }

        @Override
        public String name() {
            return "dup";
        }

        @Override
        public String description() {
            return "second dup";
        }

        @Override
        public Target create(TargetContext context) {
            throw new AssertionError("not in this test");
        }
    }

    /** Named {@code fake}; fails if a deployer uses it, since an explicit provider of that name must win. */
    public static final class DiscoveredFake implements TargetProvider {
        public DiscoveredFake() {
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public String description() {
            return "discovered fake";
        }

        @Override
        public Target create(TargetContext context) {
            throw new AssertionError("the discovered provider was used although an explicit one has its name");
        }
    }
}
