use impunity::{Model, presets};
fn main() {
    let base = presets::get("central-mali-2018").unwrap();
    for imp in [0.95, 0.2] {
        let s = base
            .with_changes([("policy.impunity", toml::Value::Float(imp))])
            .unwrap();
        let mut m = Model::new(&s, 1, 0).unwrap();
        let mut ab = 0;
        let mut st = 0;
        for t in 0..365 {
            m.step();
            let i = m.institutions().unwrap();
            ab += i.counters.abuses;
            st += i.counters.killed_by[0];
            if t % 60 == 0 {
                println!(
                    "t{t} E={:?}",
                    i.expected_punishment_force
                        .iter()
                        .map(|e| (e * 100.0).round() / 100.0)
                        .collect::<Vec<_>>()
                );
            }
        }
        let i = m.institutions().unwrap();
        let fates: Vec<_> = i
            .cases
            .iter()
            .map(|c| format!("{:?}/{:?}/{}", c.perpetrator, c.fate, c.victims))
            .collect();
        println!(
            "imp {imp}: abuses {ab} state {st} cases {} {:?}",
            i.cases.len(),
            fates
        );
    }
}
