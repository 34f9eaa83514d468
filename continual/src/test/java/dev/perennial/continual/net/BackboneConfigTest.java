package dev.perennial.continual.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.perennial.models.Backbone;
import dev.perennial.models.cnn.ResNet;
import org.junit.jupiter.api.Test;

/** The backbones a classification learner can build. */
class BackboneConfigTest {

    @Test
    void resnet18CifarIsAResNet18WithTheCifarStemAndFeaturesOfEightTimesTheWidth() {
        Backbone b = new BackboneConfig("resnet18-cifar", 4, 32).build();
        ResNet r = assertInstanceOfResNet(b);
        assertTrue(r.config().cifarStem());
        assertEquals(java.util.List.of(2, 2, 2, 2), r.config().layers());
        assertEquals(4, r.config().baseWidth());
        try (NDManager m = NDManager.newBaseManager()) {
            b.initialize(m, DataType.FLOAT32, new Shape(2, 3, 32, 32));
            var f = b.features(new ParameterStore(m, false), m.randomNormal(new Shape(2, 3, 32, 32)), false);
            assertEquals(new Shape(2, 32), f.pooled().getShape());
        }
    }

    @Test
    void resnet18CifarRefusesAFeatureWidthOtherThanEightTimesTheChannels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BackboneConfig("resnet18-cifar", 4, 64));
        assertTrue(e.getMessage().contains("backbone.featureDim") && e.getMessage().contains("32"), e.getMessage());
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BackboneConfig("resnet50", 4, 32));
        assertTrue(e.getMessage().contains("resnet18-cifar") && e.getMessage().contains("small-cnn"), e.getMessage());
    }

    private static ResNet assertInstanceOfResNet(Backbone b) {
        assertTrue(b instanceof ResNet, "built " + b.getClass());
        return (ResNet) b;
    }
}
