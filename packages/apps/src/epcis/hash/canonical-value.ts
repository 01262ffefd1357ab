import { normaliseToDigitalLink } from "./dl-normaliser.ts";
import { canonicalNumber } from "./python-format.ts";

/** Rule 14: EPCIS 1.x CBV URNs become CBV 2.0 Web URIs (anywhere in the value, as the reference does). */
function webVocabulary(text: string): string {
  return text
    .replaceAll("urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-")
    .replaceAll("urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-")
    .replaceAll("urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-")
    .replaceAll("urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-")
    .replaceAll("urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-");
}

/** Every value goes through the same three canonicalisations as in the reference, in its order. */
export function canonicalValue(text: string): string {
  const numeric = canonicalNumber(webVocabulary(text));
  return normaliseToDigitalLink(numeric) ?? numeric;
}
