package org.jpeglm.cli;

import java.util.Set;
import org.jpeglm.ModelMetadata;
import org.jpeglm.codec.Codec;
import org.jpeglm.codec.CodecFactory;

/**
 * A codec module's factory as the CLI's tests see one (registered in this test class path's META-INF/services): the
 * registry knows "foreign", the commands have no output for it ({@link VerbsTest}). It makes no codec.
 */
public final class ForeignCodecFactory implements CodecFactory<Object, Object> {
    static final String NAME = "foreign";

    public ForeignCodecFactory() {}

    @Override
    public Set<String> names() {
        return Set.of(NAME);
    }

    @Override
    public Codec<Object, Object> fromGguf(ModelMetadata metadata) {
        throw new IllegalArgumentException("the foreign codec is a test stand-in and makes no codec");
    }

    @Override
    public String toString() {
        return "ForeignCodecFactory";
    }
}
