package dev.perennial.llava;

import dev.perennial.models.io.LoadReport;
import java.util.Optional;

/**
 * What loading a LLaVA checkpoint did.
 *
 * @param layout the layout that was read
 * @param model the report of the main checkpoint (names are {@link LlavaModel}'s; unexpected ones show the
 *     checkpoint name and the mapped name)
 * @param visionTower the report of a separate vision tower checkpoint, when one was given
 */
public record LlavaLoadReport(CheckpointLayout layout, LoadReport model, Optional<LoadReport> visionTower) {

    /** @return whether nothing was missing, unexpected or mis-shaped */
    public boolean isComplete() {
        boolean towerOk = visionTower.map(LoadReport::isComplete).orElse(true);
        if (visionTower.isPresent()) {
            // The main checkpoint lacks the tower by design then.
            return towerOk && model.unexpected().isEmpty() && model.mismatched().isEmpty()
                    && model.missing().stream().allMatch(n -> n.startsWith("vision_tower."));
        }
        return model.isComplete();
    }

    /** @return a readable account listing every problem name */
    public String describe() {
        return "layout " + layout + ": " + model.describe()
                + visionTower.map(t -> "\nvision tower: " + t.describe()).orElse("");
    }
}
