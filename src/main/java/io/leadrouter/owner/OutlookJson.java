package io.leadrouter.owner;

import io.leadrouter.rotation.Ledger;
import io.leadrouter.rotation.MemberView;
import io.leadrouter.rotation.Rotation;
import io.leadrouter.rotation.RotationState;
import io.leadrouter.rotation.SkipReason;
import io.leadrouter.store.RotationJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@link Outlook} over the wire (for {@link RotationCodec}). */
final class OutlookJson {

  private OutlookJson() {}

  static JsonObject encode(Outlook o) {
    JsonObject j = new JsonObject();
    if (o.planned() != null) {
      JsonArray planned = new JsonArray();
      for (Rotation.Planned p : o.planned()) {
        planned.add(new JsonObject().put("rotationId", p.rotationId()).put("member", RotationCodec.member(p.member()))
            .put("skipped", RotationJson.skipped(p.skipped())).put("repayment", p.repayment())
            .put("fallbackFrom", p.fallbackFrom()));
      }
      j.put("planned", planned).put("fallbackRotationId", o.fallbackRotationId());
    }
    if (o.members() != null) {
      JsonArray members = new JsonArray();
      for (MemberView v : o.members()) {
        members.add(new JsonObject().put("member", RotationCodec.member(v.member()))
            .put("counts", new JsonArray().add(v.counts().hour()).add(v.counts().day()).add(v.counts().week()))
            .put("owed", v.owed()).put("reason", v.reason() == null ? null : v.reason().wire())
            .put("nextEligible", v.nextEligible() == null ? null : v.nextEligible().toString()));
      }
      j.put("members", members);
    }
    return j;
  }

  static Outlook decode(JsonObject j, RotationState rotation) {
    List<Rotation.Planned> planned = null;
    JsonArray p = j.getJsonArray("planned");
    if (p != null) {
      planned = new ArrayList<>(p.size());
      for (int i = 0; i < p.size(); i++) {
        JsonObject o = p.getJsonObject(i);
        planned.add(new Rotation.Planned(o.getLong("rotationId"), RotationCodec.member(o.getJsonObject("member")),
            RotationJson.skipped(o.getJsonArray("skipped")), o.getBoolean("repayment"), o.getLong("fallbackFrom")));
      }
    }
    List<MemberView> members = null;
    JsonArray m = j.getJsonArray("members");
    if (m != null) {
      members = new ArrayList<>(m.size());
      for (int i = 0; i < m.size(); i++) {
        JsonObject o = m.getJsonObject(i);
        JsonArray c = o.getJsonArray("counts");
        String reason = o.getString("reason");
        String next = o.getString("nextEligible");
        members.add(new MemberView(RotationCodec.member(o.getJsonObject("member")),
            new Ledger.Counts(c.getInteger(0), c.getInteger(1), c.getInteger(2)), o.getInteger("owed"),
            reason == null ? null : SkipReason.fromWire(reason), next == null ? null : Instant.parse(next)));
      }
    }
    return new Outlook(rotation, planned, members, j.getLong("fallbackRotationId"));
  }
}
