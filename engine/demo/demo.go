package demo

import "math"

// Column is one output column: its name, SQL type name and meaning.
type Column struct{ Name, Type, Doc string }

// Columns describes the output schema, in order.
var Columns = []Column{
	{Name: "customer_id", Type: "BIGINT", Doc: "1..n"},
	{Name: "age", Type: "INTEGER", Doc: "years"},
	{Name: "gender", Type: "VARCHAR", Doc: "'female', 'male', 'other'; some NULLs"},
	{Name: "region", Type: "VARCHAR", Doc: "'north', 'south', 'east', 'west', 'central'"},
	{Name: "plan", Type: "VARCHAR", Doc: "'basic', 'plus', 'premium'"},
	{Name: "tenure_months", Type: "INTEGER", Doc: "months as a customer"},
	{Name: "monthly_spend", Type: "DOUBLE", Doc: "subscription spend per month"},
	{Name: "income", Type: "DOUBLE", Doc: "yearly income; NULL more often for some groups (missing not at random)"},
	{Name: "visits_30d", Type: "INTEGER", Doc: "site visits in the last 30 days"},
	{Name: "support_calls", Type: "INTEGER", Doc: "support calls in the last 12 months"},
	{Name: "days_since_last_purchase", Type: "INTEGER", Doc: "recency"},
	{Name: "orders_12m", Type: "INTEGER", Doc: "orders in the last 12 months"},
	{Name: "revenue_12m", Type: "DOUBLE", Doc: "revenue in the last 12 months (skewed, heavy-tailed)"},
	{Name: "email_opt_in", Type: "BOOLEAN", Doc: "marketing e-mail consent"},
	{Name: "churned", Type: "BOOLEAN", Doc: "label: churned (logistic model with an interaction and a threshold effect)"},
	{Name: "purchased_next_30d", Type: "BOOLEAN", Doc: "label: bought in the next 30 days"},
	{Name: "spend_next_90d", Type: "DOUBLE", Doc: "regression target: spend in the next 90 days"},
	{Name: "true_segment", Type: "INTEGER", Doc: "the latent segment 1..5 the behaviour was drawn from"},
}

// Customer is one generated row. Categorical values are indexes into Genders,
// Regions and Plans. Gender is 0 when GenderNull, Income is 0 when IncomeNull.
type Customer struct {
	ID                    int64
	Age                   int32
	Gender                uint8
	GenderNull            bool
	Region                uint8
	Plan                  uint8
	TenureMonths          int32
	MonthlySpend          float64
	Income                float64
	IncomeNull            bool
	Visits30d             int32
	SupportCalls          int32
	DaysSinceLastPurchase int32
	Orders12m             int32
	Revenue12m            float64
	EmailOptIn            bool
	Churned               bool
	PurchasedNext30d      bool
	SpendNext90d          float64
	TrueSegment           int32
}

// String tables for the categorical columns.
var (
	Genders = []string{"female", "male", "other"}
	Regions = []string{"north", "south", "east", "west", "central"}
	Plans   = []string{"basic", "plus", "premium"}
)

// Plan indexes.
const (
	PlanBasic   = 0
	PlanPlus    = 1
	PlanPremium = 2
)

// Region indexes.
const (
	RegionNorth   = 0
	RegionSouth   = 1
	RegionEast    = 2
	RegionWest    = 3
	RegionCentral = 4
)

// Segment numbers (TrueSegment values).
const (
	SegmentLoyal      = 1 // loyal high-value
	SegmentNew        = 2 // new customers
	SegmentBargain    = 3 // bargain hunters
	SegmentAtRisk     = 4 // at-risk / dormant
	SegmentOccasional = 5 // occasional buyers
)

// segment holds the parameters of one latent segment's behaviour.
type segment struct {
	name       string
	weight     float64    // mixing weight
	ageMean    float64    // age ~ N(ageMean, ageSD)
	ageSD      float64    //
	tenureMed  float64    // tenure_months ~ LogNormal(ln tenureMed, tenureSig)
	tenureSig  float64    //
	planCum    [2]float64 // cumulative P(basic), P(basic)+P(plus)
	spendMult  float64    // monthly spend multiplier on the plan price
	visitsRate float64    // visits_30d ~ Poisson(visitsRate * activity)
	recency    float64    // mean days since last purchase at activity 1, before the caps
	ordersRate float64    // extra orders per 12 months at activity 1
	aovMed     float64    // average order value ~ LogNormal(ln aovMed, aovSig)
	aovSig     float64    //
	callsRate  float64    // support_calls ~ Poisson(callsRate * plan factor)
	emailLogit float64    // email opt-in logit at age 40
	incomeAdj  float64    // added to log income
}

// Segments, in TrueSegment order (index 0 is segment 1).
var segments = [5]segment{
	{"loyal high-value", 0.18, 46, 11, 44, 0.45, [2]float64{0.15, 0.50}, 1.15, 11, 9, 10, 85, 0.70, 0.9, 1.0, 0.25},
	{"new", 0.20, 32, 9, 3, 0.55, [2]float64{0.50, 0.85}, 1.00, 7, 14, 2, 55, 0.60, 1.3, 0.3, -0.05},
	{"bargain hunter", 0.24, 39, 12, 18, 0.65, [2]float64{0.65, 0.92}, 0.90, 9, 16, 8, 28, 0.50, 0.7, 1.2, -0.15},
	{"at-risk / dormant", 0.16, 44, 14, 24, 0.75, [2]float64{0.40, 0.75}, 1.00, 1.5, 95, 1.5, 50, 0.80, 1.8, -0.6, 0},
	{"occasional", 0.22, 41, 13, 16, 0.75, [2]float64{0.50, 0.88}, 0.95, 3, 45, 3, 65, 0.90, 0.6, 0.0, 0.05},
}

// segCum holds the cumulative mixing weights (the last one forced to 1).
var segCum = func() (t [5]float64) {
	c := 0.0
	for k := range segments {
		c += segments[k].weight
		t[k] = c
	}
	t[4] = 1
	return
}()

// SegmentWeights returns the mixing weights of the five segments, in
// TrueSegment order (element 0 is segment 1).
func SegmentWeights() [5]float64 {
	var w [5]float64
	for k := range segments {
		w[k] = segments[k].weight
	}
	return w
}

// SegmentName returns the descriptive name of segment s (1..5).
func SegmentName(s int32) string { return segments[s-1].name }

var (
	planPrice    = [3]float64{14.99, 29.99, 59.99}
	planCalls    = [3]float64{1.0, 1.1, 1.25}
	regionCum    = [5]float64{0.22, 0.46, 0.66, 0.88, 1}
	regionIncome = [5]float64{0, -0.10, 0.05, 0.15, -0.05}
	// Gender: NULL if u < genderNull, else female/male/other by genderCum
	// (a NULL row's Gender is 0).
	genderNull = 0.06
	genderCum  = [2]float64{0.54, 0.98}
)

// Income model constants.
const (
	incomeMedian = 52000.0
	incomeSig    = 0.45
)

// Look-up tables for functions of small integer inputs (pure speed-ups: each
// entry is exactly the formula it replaces).
var (
	logIncomeMedian = math.Log(incomeMedian)
	// callsP0[k][p] = e^-(callsRate*planCalls), the Poisson P(0).
	callsP0 = func() (t [5][3]float64) {
		for k := range t {
			for p := range t[k] {
				t[k][p] = fastExp(-segments[k].callsRate * planCalls[p])
			}
		}
		return
	}()
	// emailProb[k][a-18] = P(email_opt_in) for segment k+1 and age a.
	emailProb = func() (t [5][73]float64) {
		for k := range t {
			for a := range t[k] {
				t[k][a] = logistic(segments[k].emailLogit - 0.02*(float64(a+18)-40))
			}
		}
		return
	}()
	// recencyDecay[d] = e^(-d/120), d = 0..730.
	recencyDecay = func() (t [731]float64) {
		for d := range t {
			t[d] = fastExp(-float64(d) / 120)
		}
		return
	}()
)

// round2 rounds a non-negative amount to cents (half up).
func round2(x float64) float64 { return float64(int64(x*100+0.5)) / 100 }

// roundI rounds x to the nearest integer (half away from zero), saturating
// at +-2^31 so the result always fits an int32 clamp.
func roundI(x float64) int32 {
	if x >= 1<<31 {
		return math.MaxInt32
	}
	if x <= -(1 << 31) {
		return math.MinInt32
	}
	if x < 0 {
		return int32(x - 0.5)
	}
	return int32(x + 0.5)
}

func clampI(x, lo, hi int32) int32 {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}

// DefaultSeed is demo_customers' seed when none is given.
const DefaultSeed = 42

// Row fills c with row i (0-based) of the table for seed. It is a pure
// function of (seed, i), does not allocate and is safe for concurrent use.
func Row(seed uint64, i int64, c *Customer) { row(seed, i, c) }

// Fill fills out with rows start, start+1, ... of the table for seed: out[k]
// is exactly what Row(seed, start+k, &out[k]) gives. It does not allocate.
func Fill(seed uint64, start int64, out []Customer) {
	for k := range out {
		row(seed, start+int64(k), &out[k])
	}
}

// b2i is 1 for true and 0 for false; the compiler turns it into SETcc, so
// the categorical draws and the indicator terms of the logits are branch-free
// (mispredicted branches were a large share of the kernel's cost).
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ind is the 0/1 indicator of b as a float64.
func ind(b bool) float64 { return float64(b2i(b)) }

// row generates row i into c and returns the latent income (the value before
// the NULL mask; the tests use it to check the missing-not-at-random
// mechanism).
func row(seed uint64, i int64, c *Customer) (latentIncome float64) {
	rr := rowRNG(seed, i)
	r := &rr
	c.ID = i + 1

	// 1. Latent segment.
	u := r.float()
	k := b2i(u >= segCum[0]) + b2i(u >= segCum[1]) + b2i(u >= segCum[2]) + b2i(u >= segCum[3])
	sg := &segments[k]
	c.TrueSegment = int32(k + 1)

	// 2. Demographics.
	c.Age = clampI(roundI(sg.ageMean+sg.ageSD*r.norm()), 18, 90)
	u = r.float()
	c.GenderNull = u < genderNull
	c.Gender = uint8(b2i(u >= genderCum[0]) + b2i(u >= genderCum[1]))
	u = r.float()
	reg := b2i(u >= regionCum[0]) + b2i(u >= regionCum[1]) + b2i(u >= regionCum[2]) + b2i(u >= regionCum[3])
	c.Region = uint8(reg)

	// 3. Plan and monthly spend.
	u = r.float()
	plan := b2i(u >= sg.planCum[0]) + b2i(u >= sg.planCum[1])
	c.Plan = uint8(plan)
	c.MonthlySpend = round2(planPrice[plan] * sg.spendMult * expCore(0.25*r.norm()))

	// 4. Tenure.
	c.TenureMonths = clampI(roundI(sg.tenureMed*expCore(sg.tenureSig*r.norm())), 1, 120)

	// 5. Income, with missing-not-at-random NULLs.
	ad := (float64(c.Age) - 48) / 20
	logInc := logIncomeMedian + 0.30*(1-ad*ad) + regionIncome[reg] + sg.incomeAdj + incomeSig*r.norm()
	inc := float64(int64(expCore(logInc)/100+0.5)) * 100
	pNull := logistic(-2.3 + 1.2*ind(c.Age < 30) - 1.5*(logInc-logIncomeMedian))
	null := r.float() < pNull
	c.IncomeNull = null
	c.Income = inc * ind(!null)

	// 6. Behaviour: a personal activity level drives visits, orders and recency.
	// expCore needs no clamp here: |Z| < 15 for every ziggurat output, so
	// all the exponents in row are far inside [-700, 700].
	act := expCore(0.45*r.norm() - 0.10125) // mean 1
	c.Visits30d = r.poisson(sg.visitsRate * act)
	c.SupportCalls = r.poissonP0(sg.callsRate*planCalls[plan], callsP0[k][plan])
	d := min(r.exp()*sg.recency/act, float64(c.TenureMonths)*30, 730)
	c.DaysSinceLastPurchase = int32(d)
	if c.DaysSinceLastPurchase > 365 {
		c.Orders12m = 0
		c.Revenue12m = 0
	} else {
		months := min(float64(c.TenureMonths), 12)
		c.Orders12m = 1 + r.poisson(sg.ordersRate*act*months/12)
		aov := sg.aovMed * expCore(sg.aovSig*r.norm())
		c.Revenue12m = round2(float64(c.Orders12m) * aov)
	}

	// 7. Email opt-in.
	c.EmailOptIn = r.float() < emailProb[k][c.Age-18]

	// 8. Labels.
	pc := ChurnProbability(c)
	c.Churned = r.float() < pc
	c.PurchasedNext30d = r.float() < PurchaseProbability(c)
	c.SpendNext90d = round2(expectedSpend(c, pc) * expCore(spendNoiseSig*r.norm()-spendNoiseSig*spendNoiseSig/2))
	return inc
}

// ChurnLogit is the log-odds of churned given the features of c.
func ChurnLogit(c *Customer) float64 {
	t := float64(c.TenureMonths)
	s := float64(c.SupportCalls)
	d := float64(c.DaysSinceLastPurchase)
	x := -2.0
	x -= 0.45 * (log1pInt(c.TenureMonths) - 2.8)
	x += 0.30 * s
	x -= 0.04 * float64(c.Visits30d)
	x -= 0.01 * (float64(c.Age) - 40)
	x -= 0.25 * ind(c.EmailOptIn)
	x += 0.20 * ind(c.Region == RegionSouth)
	// Threshold: no purchase for more than 60 days.
	x += 2.2 * ind(d > 60)
	// Interaction: premium customers are sticky unless they need support.
	x += ind(c.Plan == PlanPremium) * (-1.6 + 1.0*s)
	// Interaction: new customers paying a lot have not seen the value yet.
	x += ind(t < 12) * (1.5 * (c.MonthlySpend - 30) / 20)
	return x
}

// ChurnProbability is P(churned | features of c).
func ChurnProbability(c *Customer) float64 { return logistic(ChurnLogit(c)) }

// PurchaseLogit is the log-odds of purchased_next_30d given the features of c.
func PurchaseLogit(c *Customer) float64 {
	v := float64(c.Visits30d)
	x := -2.0
	x += 0.7 * log1pInt(c.Orders12m)
	x += 0.05 * v
	x -= 1.5 * ind(c.DaysSinceLastPurchase > 45)
	x -= 0.8 * ind(c.Visits30d == 0)
	x += ind(c.EmailOptIn) * (0.5*log1pInt(c.Visits30d) - 0.6)
	return x
}

// PurchaseProbability is P(purchased_next_30d | features of c).
func PurchaseProbability(c *Customer) float64 { return logistic(PurchaseLogit(c)) }

// spendNoiseSig is the sigma of the multiplicative log-normal noise on
// spend_next_90d (the noise has mean 1).
const spendNoiseSig = 0.5

func expectedSpend(c *Customer, pc float64) float64 {
	return 3*c.MonthlySpend*(1-0.6*pc) + 0.3*c.Revenue12m*decay(c.DaysSinceLastPurchase)
}

// decay returns e^(-d/120).
func decay(d int32) float64 {
	if d >= 0 && int(d) < len(recencyDecay) {
		return recencyDecay[d]
	}
	return fastExp(-float64(d) / 120)
}

// ExpectedSpendNext90d is E[spend_next_90d | features of c], before rounding to cents.
func ExpectedSpendNext90d(c *Customer) float64 { return expectedSpend(c, ChurnProbability(c)) }

// ---- Randomness and fast math ----

// Counter-based randomness. Every row owns a private splitmix64 stream whose
// starting state is a hash of (seed, row index), so a row is a pure function
// of (seed, i) whatever order or chunking the rows are produced in.

const golden = 0x9E3779B97F4A7C15

// mix64 is the splitmix64 output function (Stafford's "Mix13" finaliser).
func mix64(z uint64) uint64 {
	z ^= z >> 30
	z *= 0xBF58476D1CE4E5B9
	z ^= z >> 27
	z *= 0x94D049BB133111EB
	z ^= z >> 31
	return z
}

// rng is a splitmix64 generator: state advances by the golden gamma and every
// output is mix64 of the state.
type rng struct{ s uint64 }

// rowRNG returns the private stream of row i for seed.
func rowRNG(seed uint64, i int64) rng {
	key := mix64(seed ^ 0x6A09E667F3BCC909)
	return rng{s: mix64(key + (uint64(i)+1)*golden)}
}

func (r *rng) next() uint64 {
	r.s += golden
	return mix64(r.s)
}

// float returns a uniform draw in the open interval (0, 1): (k + 0.5) / 2^53
// for the top 53 bits k of the next output. It is never 0 or 1, so logarithms
// of it are finite.
func (r *rng) float() float64 {
	return (float64(int64(r.next()>>11)) + 0.5) * (1.0 / (1 << 53))
}

// Ziggurat tables for the standard normal (Marsaglia & Tsang 2000, 128
// layers), computed once at start-up.
const (
	zigR = 3.442619855899
	zigV = 9.91256303526217e-3
	zigM = 1 << 31
)

// The tables are package-level variables initialised by functions (not init
// funcs) so that Go's dependency-ordered initialisation builds them before any
// other table that is computed from them.
var zigK, zigW, zigF = zigTables()

func zigTables() (zigK [128]uint32, zigW, zigF [128]float64) {
	dn, tn := zigR, zigR
	q := zigV / math.Exp(-0.5*dn*dn)
	zigK[0] = uint32(dn / q * zigM)
	zigK[1] = 0
	zigW[0] = q / zigM
	zigW[127] = dn / zigM
	zigF[0] = 1
	zigF[127] = math.Exp(-0.5 * dn * dn)
	for i := 126; i >= 1; i-- {
		dn = math.Sqrt(-2 * math.Log(zigV/dn+math.Exp(-0.5*dn*dn)))
		zigK[i+1] = uint32(dn / tn * zigM)
		tn = dn
		zigF[i] = math.Exp(-0.5 * dn * dn)
		zigW[i] = dn / zigM
	}
	return
}

// norm returns a standard normal draw (ziggurat; one 64-bit output per try,
// extra outputs only on the rare rejections). The fast path is small enough
// to be inlined.
func (r *rng) norm() float64 {
	u := r.next()
	j := int32(uint32(u)) // signed 32-bit: sign and magnitude
	i := (u >> 32) & 0x7F
	aj := uint32(j)
	if j < 0 {
		aj = -aj
	}
	if aj < zigK[i] {
		return float64(j) * zigW[i]
	}
	return r.normSlow(u)
}

// normSlow finishes a ziggurat draw whose first output u fell outside the
// rectangle of its layer, and retries with fresh outputs when rejected.
func (r *rng) normSlow(u uint64) float64 {
	for {
		j := int32(uint32(u))
		i := (u >> 32) & 0x7F
		x := float64(j) * zigW[i]
		aj := uint32(j)
		if j < 0 {
			aj = -aj
		}
		if aj < zigK[i] {
			return x
		}
		if i == 0 {
			// Tail beyond zigR.
			for {
				x = -math.Log(r.float()) * (1.0 / zigR)
				y := -math.Log(r.float())
				if y+y >= x*x {
					break
				}
			}
			if j > 0 {
				return zigR + x
			}
			return -zigR - x
		}
		if zigF[i]+r.float()*(zigF[i-1]-zigF[i]) < math.Exp(-0.5*x*x) {
			return x
		}
		u = r.next()
	}
}

// exp returns a standard exponential draw, -ln(u) for one uniform u.
func (r *rng) exp() float64 { return -fastLog(r.float()) }

// logInv and logC hold 1/c_j and ln(c_j) for c_j = 1 + (j+0.5)/128, j = 0..127.
var logInv, logC = func() (inv, lc [128]float64) {
	for j := range inv {
		c := 1 + (float64(j)+0.5)/128
		inv[j] = 1 / c
		lc[j] = math.Log(c)
	}
	return
}()

// fastLog returns ln(x) for a positive normal x with an absolute error below
// 1e-14 (relative below 2e-14 away from x = 1): x = 2^e * m with m in [1,2),
// m = c_j * (1+t) where c_j is the midpoint of the 1/128-wide interval holding
// m, so |t| < 1/256, and ln(1+t) by its degree-6 Taylor polynomial
// (truncation error < 2e-17).
func fastLog(x float64) float64 {
	b := math.Float64bits(x)
	e := int64(b>>52) - 1023
	j := (b >> 45) & 127
	m := math.Float64frombits(b&(1<<52-1) | 1023<<52)
	t := m*logInv[j] - 1
	t2 := t * t
	p := t - t2*(0.5-t*(1.0/3)) + t2*t2*(-0.25+t*(0.2-t*(1.0/6)))
	return float64(e)*math.Ln2 + logC[j] + p
}

// expTab[j] = 2^(j/128), j = 0..127.
var expTab = func() (t [128]float64) {
	for j := range t {
		t[j] = math.Exp2(float64(j) / 128)
	}
	return
}()

// invTab[k] = 1/k for the Poisson search.
var invTab = func() (t [poissonMaxK + 1]float64) {
	for k := 1; k <= poissonMaxK; k++ {
		t[k] = 1 / float64(k)
	}
	return
}()

const poissonMaxK = 400

const (
	ln2Hi128 = 6.93147180369123816490e-01 / 128 // ln(2)/128 split as in package math:
	ln2Lo128 = 1.90821492927058770002e-10 / 128 // kf*ln2Hi128 is exact
	inv128ln = 128 / math.Ln2
)

// fastExp returns e^x with a relative error below 1e-15 for |x| <= 700 (x is
// clamped to that range). It reduces x = (128*m + j)*ln2/128 + r with
// |r| <= ln2/256 and evaluates 2^m * 2^(j/128) * (degree-5 Taylor polynomial
// of e^r); the truncation error of the polynomial is below 1e-18. It is
// faster than math.Exp on amd64 and is what every formula in this package
// means by exp.
func fastExp(x float64) float64 {
	if !(x >= -700 && x <= 700) { // a predictable branch, cheaper than min/max
		x = clamp700(x)
	}
	return expCore(x)
}

// expCore is fastExp without the clamp, for arguments known to lie in
// [-700, 700]; it is small enough to be inlined.
func expCore(x float64) float64 {
	// Round x*128/ln2 to the nearest integer with the 1.5*2^52 trick (no
	// math.Floor, which is a function call on baseline amd64).
	kf := (x*inv128ln + roundMagic) - roundMagic
	r := x - kf*ln2Hi128 - kf*ln2Lo128
	r2 := r * r
	k := int64(kf)
	return expTab[k&127] * ((1 + r) + r2*((0.5+r*(1.0/6))+r2*(1.0/24+r*(1.0/120)))) *
		math.Float64frombits(uint64((k>>7)+1023)<<52)
}

// clamp700 clamps x to [-700, 700] (NaN stays NaN).
func clamp700(x float64) float64 {
	if x > 700 {
		return 700
	}
	if x < -700 {
		return -700
	}
	return x
}

const roundMagic = 0x1.8p52

// log1pInt returns ln(1+n) for a non-negative count n (table look-up below
// log1pTabN).
func log1pInt(n int32) float64 {
	if n >= 0 && n < log1pTabN {
		return log1pTab[n]
	}
	return math.Log1p(float64(n))
}

const log1pTabN = 1024

var log1pTab = func() (t [log1pTabN]float64) {
	for n := range t {
		t[n] = math.Log1p(float64(n))
	}
	return
}()

// poisson returns a Poisson(lam) draw by inversion (sequential search of the
// CDF from 0) with one uniform. lam is capped at 80 to bound the work.
func (r *rng) poisson(lam float64) int32 {
	if lam <= 0 {
		return 0
	}
	if lam > 80 {
		lam = 80
	}
	return r.poissonP0(lam, expCore(-lam))
}

// poissonP0 is poisson(lam) given p0 = e^-lam (0 < lam <= 80).
//
// The search is done in branch-free blocks of eight CDF terms: the result is
// the number of terms F(0), F(1), ... that u exceeds (the same value as a
// one-term-at-a-time search), and the block F(j)..F(j+7) is only followed by
// another when u exceeds F(j+8). This avoids the hard-to-predict loop exit of
// a one-term-at-a-time search.
func (r *rng) poissonP0(lam, p0 float64) int32 {
	u := r.float()
	p := p0
	cdf := p // F(j)
	k := 0
	for j := 0; j < poissonMaxK-8; j += 8 {
		for q := 1; q <= 8; q++ {
			k += b2i(u > cdf)
			p *= lam * invTab[j+q]
			cdf += p
		}
		if !(u > cdf) {
			break
		}
	}
	return int32(k)
}

// logistic is 1/(1+e^-x).
func logistic(x float64) float64 { return 1 / (1 + fastExp(-x)) }
