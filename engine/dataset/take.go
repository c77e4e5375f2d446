package dataset

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Take returns a new record batch of rec's rows at the given indices, in
// that order (an index may repeat), as deep copies in Go memory: the
// result shares no buffer with rec (a dictionary column's dictionary is
// copied too), so it stays valid after rec is released. The column types
// it copies are those a DuckDB query hands ducksight and its trainers
// read: BOOLEAN, the fixed-width types (numbers, DECIMAL, DATE, TIME,
// TIMESTAMP, INTERVAL), VARCHAR and BLOB (and their large variants),
// dictionaries of those (ENUM) and the NULL type; a column of any other
// type (nested, view layouts) is an error naming it.
func Take(rec arrow.RecordBatch, rows []int) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, rec.NumCols())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for j := range cols {
		d, err := takeData(rec.Column(j).Data(), rows)
		if err != nil {
			return nil, fmt.Errorf("column %q: %v", rec.ColumnName(j), err)
		}
		cols[j] = array.MakeFromData(d)
		d.Release()
	}
	return array.NewRecordBatch(rec.Schema(), cols, int64(len(rows))), nil
}

// Takeable reports whether Take copies columns of type t.
func Takeable(t arrow.DataType) bool {
	switch t := t.(type) {
	case *arrow.NullType, *arrow.BooleanType:
		return true
	case *arrow.DictionaryType:
		return Takeable(t.IndexType) && Takeable(t.ValueType)
	case arrow.BinaryViewDataType:
		return false
	case arrow.BinaryDataType:
		return true
	case arrow.FixedWidthDataType:
		return t.BitWidth()%8 == 0
	}
	return false
}

// takeData is Take of one column's data.
func takeData(d arrow.ArrayData, rows []int) (arrow.ArrayData, error) {
	t := d.DataType()
	if !Takeable(t) {
		return nil, fmt.Errorf("cannot copy a column of type %s", t)
	}
	n, off := len(rows), d.Offset()
	if _, ok := t.(*arrow.NullType); ok {
		return array.NewData(t, n, []*memory.Buffer{nil}, nil, n, 0), nil
	}
	bufs := d.Buffers()
	validity, nulls := takeValidity(d, rows)
	switch t := t.(type) {
	case *arrow.BooleanType:
		src, dst := bufs[1].Bytes(), make([]byte, bitutil.BytesForBits(int64(n)))
		for i, r := range rows {
			if bitutil.BitIsSet(src, off+r) {
				bitutil.SetBit(dst, i)
			}
		}
		return array.NewData(t, n, []*memory.Buffer{validity, memory.NewBufferBytes(dst)}, nil, nulls, 0), nil
	case *arrow.DictionaryType:
		idx, err := takeFixed(t.IndexType.(arrow.FixedWidthDataType), bufs[1], off, rows)
		if err != nil {
			return nil, err
		}
		dict := d.Dictionary()
		all := make([]int, dict.Len())
		for i := range all {
			all[i] = i
		}
		dc, err := takeData(dict, all)
		if err != nil {
			return nil, err
		}
		defer dc.Release()
		return array.NewDataWithDictionary(t, n, []*memory.Buffer{validity, idx}, nulls, 0, dc.(*array.Data)), nil
	case arrow.BinaryDataType:
		offsets, data := takeBinary(t, bufs, off, rows)
		return array.NewData(t, n, []*memory.Buffer{validity, offsets, data}, nil, nulls, 0), nil
	case arrow.FixedWidthDataType:
		vals, err := takeFixed(t, bufs[1], off, rows)
		if err != nil {
			return nil, err
		}
		return array.NewData(t, n, []*memory.Buffer{validity, vals}, nil, nulls, 0), nil
	}
	return nil, fmt.Errorf("cannot copy a column of type %s", t)
}

// takeValidity is the validity bitmap of the rows taken (nil when none is
// NULL) and their number of NULLs.
func takeValidity(d arrow.ArrayData, rows []int) (*memory.Buffer, int) {
	if d.NullN() == 0 || d.Buffers()[0] == nil {
		return nil, 0
	}
	src, off := d.Buffers()[0].Bytes(), d.Offset()
	dst := make([]byte, bitutil.BytesForBits(int64(len(rows))))
	nulls := 0
	for i, r := range rows {
		if bitutil.BitIsSet(src, off+r) {
			bitutil.SetBit(dst, i)
		} else {
			nulls++
		}
	}
	if nulls == 0 {
		return nil, 0
	}
	return memory.NewBufferBytes(dst), nulls
}

// takeFixed copies the values of a fixed-width buffer (whole bytes).
func takeFixed(t arrow.FixedWidthDataType, buf *memory.Buffer, off int, rows []int) (*memory.Buffer, error) {
	w := t.BitWidth() / 8
	if w*8 != t.BitWidth() {
		return nil, fmt.Errorf("cannot copy a column of type %s", t)
	}
	src, dst := buf.Bytes(), make([]byte, len(rows)*w)
	switch w {
	case 8:
		for i, r := range rows {
			copy(dst[i*8:i*8+8], src[(off+r)*8:])
		}
	case 4:
		for i, r := range rows {
			copy(dst[i*4:i*4+4], src[(off+r)*4:])
		}
	default:
		for i, r := range rows {
			copy(dst[i*w:(i+1)*w], src[(off+r)*w:])
		}
	}
	return memory.NewBufferBytes(dst), nil
}

// takeBinary copies the offsets and bytes of a VARCHAR or BLOB column
// (32-bit offsets, or 64-bit for the large variants).
func takeBinary(t arrow.DataType, bufs []*memory.Buffer, off int, rows []int) (offsets, data *memory.Buffer) {
	var src []byte
	if bufs[2] != nil {
		src = bufs[2].Bytes()
	}
	if t.Layout().Buffers[1].ByteWidth == 8 {
		so := arrow.Int64Traits.CastFromBytes(bufs[1].Bytes())
		do := make([]int64, len(rows)+1)
		var out []byte
		for i, r := range rows {
			out = append(out, src[so[off+r]:so[off+r+1]]...)
			do[i+1] = int64(len(out))
		}
		return memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(do)), memory.NewBufferBytes(out)
	}
	so := arrow.Int32Traits.CastFromBytes(bufs[1].Bytes())
	do := make([]int32, len(rows)+1)
	var out []byte
	for i, r := range rows {
		out = append(out, src[so[off+r]:so[off+r+1]]...)
		do[i+1] = int32(len(out))
	}
	return memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(do)), memory.NewBufferBytes(out)
}

// Memory is a Source over record batches held in memory: every Stream
// hands out the same batches, in order (each retained for the reader and
// released by the release function Next returns). The caller owns the
// batches and releases them once no pass runs.
type Memory struct {
	schema  *arrow.Schema
	batches []arrow.RecordBatch
}

// NewMemory returns a Source of schema over batches.
func NewMemory(schema *arrow.Schema, batches []arrow.RecordBatch) *Memory {
	return &Memory{schema: schema, batches: batches}
}

// Schema is the batches' schema.
func (m *Memory) Schema() *arrow.Schema { return m.schema }

// Batches are the batches, in order.
func (m *Memory) Batches() []arrow.RecordBatch { return m.batches }

// Stream starts a pass over the batches.
func (m *Memory) Stream(ctx context.Context) (Reader, error) {
	return &memoryReader{m: m}, nil
}

type memoryReader struct {
	m *Memory
	i int
}

func (r *memoryReader) Next() (arrow.RecordBatch, func(), error) {
	if r.i >= len(r.m.batches) {
		return nil, nil, nil
	}
	b := r.m.batches[r.i]
	r.i++
	b.Retain()
	return b, b.Release, nil
}

func (r *memoryReader) Close() {}
