// A bundler consumer: imports the `bundler` build the way an app built with webpack would.
import { Scorer, validateModel } from "mqlscore";
import model from "../../models/b2b-saas.json";

const scorer = new Scorer(model);
const steps = ["/", "/product", "/pricing", "/pricing"].map((path) => scorer.page(path).mql);
const { score, grade, reasons } = scorer.result();
console.log(JSON.stringify({ problems: validateModel(model), steps, score, grade, top: reasons[0].rule }));
